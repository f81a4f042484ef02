"""ASP.NET (Core and Web API 2) as its clients see it: error dialects, where a request's values
come from, model validation in ModelState's words, Json.NET's reading of JSON, .NET's date text,
and OAuth as OWIN and IdentityServer serve it. A carrier built on ASP.NET configures these; none
names a carrier."""
