/** The console's views. Every {{value}} is HTML-escaped; {{{…}}} is used only for views rendered by this module. */

export const STATE_BADGE = `<span class="state state-{{state}}" data-role="state">{{state}}</span>`;

export const OVERVIEW = `<h1>Overview</h1>
{{#unless sites.length}}<p>No site is loaded.</p>{{/unless}}
<section class="sites">
{{#each sites}}
  <a class="site-card" href="/sites/{{name}}" data-site="{{name}}">
    <h2>{{name}}</h2>
    <dl class="counts">
      <div class="count bucket-ok"><dt>OK</dt><dd data-count="ok">{{counts.ok}}</dd></div>
      <div class="count bucket-drift"><dt>Drifted</dt><dd data-count="drift">{{counts.drift}}</dd></div>
      <div class="count bucket-provisioning"><dt>Provisioning</dt><dd data-count="provisioning">{{counts.provisioning}}</dd></div>
      <div class="count bucket-failed"><dt>Failed</dt><dd data-count="failed">{{counts.failed}}</dd></div>
      <div class="count bucket-unknown"><dt>Unknown</dt><dd data-count="unknown">{{counts.unknown}}</dd></div>
    </dl>
  </a>
{{/each}}
</section>
<h2>Events</h2>
<ol id="feed" class="feed" data-feed="all">
{{#each events}}{{> event}}{{/each}}
</ol>
`;

export const EVENT = `<li class="event level-{{level}}">
  <time datetime="{{time}}">{{shortTime time}}</time>
  <span class="event-name">{{event}}</span>
  {{#if device}}<a href="/devices/{{device}}">{{device}}</a>{{/if}}
  {{#if result}}<span class="result result-{{result}}">{{result}}</span>{{/if}}
  {{#if appliance}}<span class="by">by {{appliance}}</span>{{/if}}
  <span class="msg">{{firstLine msg}}</span>
</li>`;

export const SITE = `<h1>Site {{site.name}}</h1>
<dl class="counts inline" data-site="{{site.name}}">
  <div class="count bucket-ok"><dt>OK</dt><dd data-count="ok">{{site.counts.ok}}</dd></div>
  <div class="count bucket-drift"><dt>Drifted</dt><dd data-count="drift">{{site.counts.drift}}</dd></div>
  <div class="count bucket-provisioning"><dt>Provisioning</dt><dd data-count="provisioning">{{site.counts.provisioning}}</dd></div>
  <div class="count bucket-failed"><dt>Failed</dt><dd data-count="failed">{{site.counts.failed}}</dd></div>
  <div class="count bucket-unknown"><dt>Unknown</dt><dd data-count="unknown">{{site.counts.unknown}}</dd></div>
</dl>
<h2>Port map</h2>
{{#unless site.portmap.length}}<p>This site has no port map.</p>{{/unless}}
<ul class="rack">
{{#each site.portmap}}
  <li class="port" data-key="{{lower hostname}}"{{#if mac}} data-mac="{{mac}}"{{/if}} data-state="{{state}}">
    <div class="where">{{#if uplink}}<span class="uplink">{{uplink.device}}</span> <span class="port-name">{{uplink.port}}</span>{{else}}{{#if mac}}MAC {{mac}}{{else}}{{#if circuitId}}circuit {{circuitId}}{{else}}remote {{remoteId}}{{/if}}{{/if}}{{/if}}</div>
    <div class="who"><a href="/devices/{{hostname}}">{{hostname}}</a> <small>{{model}}</small></div>
    <div class="now">{{> badge}} <time data-role="since" datetime="{{since}}">{{shortTime since}}</time></div>
    <div class="msg" data-role="message">{{message}}</div>
  </li>
{{/each}}
</ul>
<h2>Devices</h2>
<ul class="rack">
{{#each site.devices}}
  <li class="port" data-key="{{lower device}}" data-state="{{state}}">
    <div class="who"><a href="/devices/{{device}}">{{device}}</a> <small>{{model}} {{ip}}</small></div>
    <div class="now">{{> badge}} <time data-role="since" datetime="{{since}}">{{shortTime since}}</time></div>
    <div class="msg" data-role="message">{{message}}</div>
  </li>
{{/each}}
</ul>
<h2>Factory switches not yet placed</h2>
<ul class="rack" id="factory" data-site="{{site.name}}">
{{#each site.factory}}
  <li class="port" data-key="mac:{{mac}}" data-state="{{state}}">
    <div class="who">Switch {{mac}}{{#if became}} → {{became}}{{/if}}</div>
    <div class="now">{{> badge}} <time data-role="since" datetime="{{since}}">{{shortTime since}}</time></div>
    <div class="msg" data-role="message">{{message}}</div>
  </li>
{{else}}
  <li class="empty">none</li>
{{/each}}
</ul>
`;

export const DEVICE = `<h1>{{d.device}}</h1>
<section class="identity" data-key="{{lower d.device}}" data-state="{{d.state}}">
  <p class="now">{{#with d}}{{> badge}}{{/with}} <time data-role="since" datetime="{{d.since}}">{{shortTime d.since}}</time> <span data-role="message">{{d.message}}</span></p>
  <dl class="facts">
    <dt>Site</dt><dd>{{#if d.site}}<a href="/sites/{{d.site}}">{{d.site}}</a>{{else}}—{{/if}}</dd>
    <dt>Address</dt><dd>{{or d.ip "—"}}</dd>
    <dt>MAC</dt><dd>{{or d.mac "—"}}</dd>
    <dt>Model</dt><dd>{{or d.model "—"}}{{#if d.reportedModel}} <small>(reports {{d.reportedModel}})</small>{{/if}}</dd>
    <dt>Serial</dt><dd>{{or d.serial "—"}}</dd>
    <dt>OS</dt><dd>{{#if d.os}}{{or d.os.version "unknown"}}{{#if d.os.upgradedFrom}} <small>(upgraded from {{d.os.upgradedFrom}})</small>{{/if}}{{#if d.os.wanted}}{{#unless d.os.compliant}} <small class="os-wrong">the site names {{d.os.wanted}}</small>{{/unless}}{{/if}}{{else}}—{{/if}}</dd>
    <dt>Profile</dt><dd>{{or d.profile "—"}}</dd>
    {{#if d.appliance}}<dt>Appliance</dt><dd data-role="appliance">{{d.appliance}}</dd>{{/if}}
    <dt>Host key</dt><dd class="fingerprint">{{#if d.hostKey}}{{d.hostKey.fingerprint}} <small>({{d.hostKey.source}} {{shortTime d.hostKey.pinnedAt}})</small>{{else}}not pinned yet{{/if}}</dd>
  </dl>
  {{#if d.refusedKey}}
  <div class="alert">
    <p>The switch showed a different host key at {{shortTime d.refusedKey.time}} and was refused:</p>
    <p class="fingerprint">{{d.refusedKey.fingerprint}}</p>
    {{#if operator}}<p><a class="button" href="/devices/{{d.device}}/accept-hostkey">Accept this key…</a></p>{{/if}}
  </div>
  {{/if}}
</section>
{{#if operator}}
<section class="actions">
  <h2>Actions</h2>
  <form method="post" action="/devices/{{d.device}}/check"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Check now</button></form>
  <a class="button" href="/devices/{{d.device}}/remediate">Remediate…</a>
  <form method="post" action="/devices/{{d.device}}/backup"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Back up now</button></form>
</section>
{{/if}}
<section>
  <h2>Last drift</h2>
  {{#if d.lastDrift}}
  <p>Found {{shortTime d.lastDrift.time}}: +{{d.lastDrift.added}} −{{d.lastDrift.removed}}{{#if fixed}} (fixed since){{/if}}</p>
  {{> diff lines=driftLines}}
  {{else}}<p>No drift seen.</p>{{/if}}
</section>
<section>
  <h2>Last plan</h2>
  {{#if d.plan}}
  <p>{{d.plan.outcome}} {{shortTime d.plan.time}}</p>
  {{#each d.plan.refusals}}<p class="refusal"><strong>{{class}}</strong>: {{reason}}</p>{{/each}}
  <pre class="plan">{{#each d.plan.lines}}{{this}}
{{/each}}</pre>
  {{else}}<p>No plan pushed or refused.</p>{{/if}}
</section>
<section>
  <h2>Backups</h2>
  {{#if versions.length}}
  <form method="get" action="/devices/{{d.device}}/diff" class="versions">
    <table>
      <thead><tr><th>A</th><th>B</th><th>version</th></tr></thead>
      <tbody>
      {{#each versions}}
        <tr><td><input type="radio" name="a" value="{{id}}" aria-label="from {{id}}"{{#if @first}} checked{{/if}}></td>
        <td><input type="radio" name="b" value="{{id}}" aria-label="to {{id}}"{{#if @last}} checked{{/if}}></td>
        <td><span class="version-id">{{id}}</span> <small>{{shortTime time}}</small><br><small>{{cause}}</small></td></tr>
      {{/each}}
      </tbody>
    </table>
    <button type="submit">Diff the two</button>
  </form>
  {{else}}<p>No backup saved.</p>{{/if}}
</section>
<section>
  <h2>Timeline</h2>
  <ol id="timeline" class="feed" data-feed="{{lower d.device}}">
  {{#each events}}{{> event}}{{/each}}
  </ol>
</section>
`;

export const DIFF = `<ol class="diff">{{#each lines}}<li class="diff-{{kind}}">{{text}}</li>{{/each}}</ol>`;

export const VERSION_DIFF = `<h1>{{device}}: {{a}} → {{b}}</h1>
<p><a href="/devices/{{device}}">back to {{device}}</a></p>
{{#if equal}}<p>The two versions are identical.</p>{{else}}<p>+{{added}} −{{removed}}</p>{{> diff lines=lines}}{{/if}}
`;

export const RULES = `<h1>Rules</h1>
{{#unless stats}}<p>No rule counts yet: the appliance has not written any to this state directory.</p>{{/unless}}
{{#if stats}}<p>Counts since {{shortTime stats.loadedAt}}{{#if stats.time}}, as of {{shortTime stats.time}}{{/if}}.</p>{{/if}}
{{#each stats.files}}
<section>
  <h2 class="file">{{file}}</h2>
  <table class="rules">
    <thead><tr><th>line</th><th>rule</th><th>matched</th></tr></thead>
    <tbody>
    {{#each rules}}<tr><td>{{line}}</td><td>{{type}}</td><td class="num">{{matches}}</td></tr>{{/each}}
    </tbody>
  </table>
</section>
{{/each}}
`;

export const LOGIN = `<h1>Log in</h1>
{{#if error}}<p class="alert" role="alert">{{error}}</p>{{/if}}
<form method="post" action="/login" class="login">
  <input type="hidden" name="_csrf" value="{{csrf}}">
  <input type="hidden" name="next" value="{{next}}">
  <label>User <input name="username" autocomplete="username" required value="{{username}}"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Log in</button>
</form>
`;

export const CONFIRM_REMEDIATE = `<h1>Remediate {{device}}?</h1>
{{#if changed}}<p class="alert" role="alert">Nothing was sent: the switch's config changed since the plan was shown, and the plan is no longer the one confirmed. This is the plan now.</p>{{/if}}
{{#if lines.length}}
<p>These {{lines.length}} line(s) would be typed in config mode, then saved and verified:</p>
<pre class="plan">{{#each lines}}{{this}}
{{/each}}</pre>
<p><small>If the switch's config changes before you confirm, nothing is sent and the new plan is shown.</small></p>
<form method="post" action="/devices/{{device}}/remediate">
  <input type="hidden" name="_csrf" value="{{csrf}}">
  <input type="hidden" name="plan" value="{{planDigest}}">
  <button type="submit" class="danger">Push these lines</button>
  <a href="/devices/{{device}}">Cancel</a>
</form>
{{else}}
<p>{{message}}</p>
<p><a href="/devices/{{device}}">back to {{device}}</a></p>
{{/if}}
`;

export const CONFIRM_HOSTKEY = `<h1>Accept a new host key for {{device}}?</h1>
<p>Only accept it after checking on the switch's own console that this is its key:</p>
<p class="fingerprint big">{{fingerprint}}</p>
{{#if pinned}}<p>It replaces the pinned key {{pinned}}.</p>{{/if}}
<form method="post" action="/devices/{{device}}/accept-hostkey">
  <input type="hidden" name="_csrf" value="{{csrf}}">
  <input type="hidden" name="fingerprint" value="{{fingerprint}}">
  <button type="submit" class="danger">Pin this key</button>
  <a href="/devices/{{device}}">Cancel</a>
</form>
`;

export const RESULT = `<h1>{{action}} {{device}}</h1>
<p class="outcome outcome-{{#if ok}}ok{{else}}bad{{/if}}">{{message}}</p>
{{#if lines.length}}<pre class="plan">{{#each lines}}{{this}}
{{/each}}</pre>{{/if}}
<p><a href="/devices/{{device}}">back to {{device}}</a></p>
`;

export const ERROR = `<h1>{{title}}</h1>
<p>{{message}}</p>
<p><a href="/">Overview</a></p>
`;
