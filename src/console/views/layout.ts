/** The page around every view: header, navigation, the live-update script. Handlebars, escaped. */
export const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="{{csrf}}">
<title>{{title}} · onramp</title>
<link rel="stylesheet" href="/static/console.css">
<script src="/static/console.js" defer></script>
</head>
<body data-page="{{page}}"{{#if live}} data-live="{{live}}"{{/if}}>
<header class="top">
  <a class="brand" href="/">onramp</a>
  <nav>
    <a href="/">Overview</a>
    <a href="/rules">Rules</a>
  </nav>
  {{#if user}}
  <form class="who" method="post" action="/logout">
    <span>{{user.name}} <small>({{user.role}})</small></span>
    <input type="hidden" name="_csrf" value="{{csrf}}">
    <button type="submit" class="link">log out</button>
  </form>
  {{/if}}
</header>
{{#if readOnly}}<p class="banner">Read-only: {{readOnly}}</p>{{/if}}
<main>
{{{body}}}
</main>
<footer><span id="live-status" class="live-status">live updates: connecting…</span></footer>
</body>
</html>
`;
