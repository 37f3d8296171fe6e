// Swagger UI for the OpenAPI schema, started from a file so a strict CSP holds.
/* global SwaggerUIBundle */
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  SwaggerUIBundle({ url: root.dataset.openapiUrl, dom_id: "#swagger-ui", deepLinking: true });
});
