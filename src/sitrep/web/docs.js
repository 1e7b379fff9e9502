// OpenAPI explorer, served from the vendored swagger-ui so /docs works offline under the same-origin CSP
// (FastAPI's built-in page loads swagger-ui from a CDN with an inline script, which the CSP forbids).
"use strict";
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
