// Starts the vendored GraphiQL on the page gateway/http/graphiql.py serves.
// It is a file of its own, not an inline script, so that the page's
// Content-Security-Policy can say script-src 'self' and nothing else.
(function () {
  "use strict";

  var root = document.getElementById("graphiql");
  var endpoint = root.dataset.endpoint || "/graphql";
  var search = new URLSearchParams(window.location.search);
  // The <style> element GraphiQL's dialogs add takes this nonce (see the page's CSP).
  window.__webpack_nonce__ = root.dataset.styleNonce;

  // POSTs JSON with the headers typed into GraphiQL's headers editor
  // (Authorization: Bearer ..., X-Consent-Token, X-Query-Purpose, X-Duty-Matter).
  async function fetcher(graphQLParams, opts) {
    var headers = new Headers({
      Accept: "application/graphql-response+json, application/json",
      "Content-Type": "application/json",
    });
    var extra = (opts && opts.headers) || {};
    Object.keys(extra).forEach(function (name) {
      headers.set(name, String(extra[name]));
    });
    var response = await fetch(endpoint, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(graphQLParams),
      credentials: "same-origin",
    });
    var text = await response.text();
    try {
      return JSON.parse(text);
    } catch (error) {
      return { errors: [{ message: "HTTP " + response.status + ": " + text }] };
    }
  }

  var props = {
    fetcher: fetcher,
    defaultQuery: root.dataset.defaultQuery,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false, // bearer tokens stay out of localStorage
    defaultEditorToolsVisibility: "headers",
  };
  if (search.has("query")) props.query = search.get("query");
  if (search.has("variables")) props.variables = search.get("variables");

  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, props));
})();
