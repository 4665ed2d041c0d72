// Starts Swagger UI on /docs (an external file: the Content-Security-Policy forbids inline
// scripts). The bundle comes from the npm package swagger-ui-dist, served locally.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  persistAuthorization: true,
});
