/** The stylesheet: mobile first (375 px and up), no horizontal scrolling; wider screens get columns. */
export const CSS = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f5f6f8;overflow-wrap:anywhere}
a{color:#0b5cad}
header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.6rem 1rem;background:#1b2a3a;color:#fff;overflow-wrap:normal}
header.top a,header.top span{white-space:nowrap}
header.top a{color:#fff;text-decoration:none}
.brand{font-weight:700;letter-spacing:.02em}
header nav{display:flex;gap:1rem;flex:1}
.who{display:flex;gap:.5rem;align-items:center;margin:0}
button.link{background:none;border:0;color:#cfe3ff;text-decoration:underline;padding:0;font:inherit;cursor:pointer}
main{padding:.75rem 1rem 2rem;max-width:1100px;margin:0 auto}
h1{font-size:1.35rem;margin:.5rem 0 .75rem}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
.banner{margin:0;padding:.5rem 1rem;background:#fff4d6;border-bottom:1px solid #e5c97a}
.sites{display:grid;grid-template-columns:1fr;gap:.75rem}
.site-card{display:block;background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:.75rem;color:inherit;text-decoration:none}
.site-card h2{margin:0 0 .5rem}
.counts{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:.25rem;margin:0}
.counts.inline{margin-bottom:.5rem}
.count{background:#f0f2f5;border-radius:6px;padding:.3rem;text-align:center;min-width:0}
.count dt{font-size:.72rem;color:#58606b;overflow-wrap:normal}
.count dd{margin:0;font-size:1.2rem;font-weight:700}
.bucket-ok dd{color:#13795b}.bucket-drift dd{color:#b25e00}.bucket-provisioning dd{color:#0b5cad}.bucket-failed dd{color:#b3261e}.bucket-unknown dd{color:#58606b}
.feed{list-style:none;margin:0;padding:0}
.event{display:flex;flex-wrap:wrap;gap:.15rem .5rem;padding:.4rem .5rem;border-bottom:1px solid #e3e6ea;background:#fff}
.event time{color:#58606b;font-variant-numeric:tabular-nums}
.event-name{font-family:ui-monospace,monospace;font-size:.85rem}
.event .msg{flex-basis:100%;color:#333}
.event .by{font-size:.8rem;color:#555}
.level-40{border-left:3px solid #e0a030}.level-50,.level-60{border-left:3px solid #b3261e}
.rack{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:1fr;gap:.5rem}
.port{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:.5rem .75rem;min-width:0}
.port .where{font-family:ui-monospace,monospace;font-size:.85rem;color:#3b4450}
.port .msg{font-size:.85rem;color:#444}
.empty{color:#58606b}
.state{display:inline-block;padding:.05rem .45rem;border-radius:999px;font-size:.8rem;font-weight:600;background:#e3e6ea;color:#333}
.state-ok,.state-provisioned{background:#d5f0e5;color:#0c5c44}
.state-drift{background:#ffe7c7;color:#8a4700}
.state-leased,.state-identified,.state-provisioning{background:#dbe9fb;color:#0b4a8a}
.state-failed,.state-refused{background:#fbdad7;color:#8c1d16}
.state-waiting,.state-unknown{background:#eceef1;color:#58606b}
.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem .75rem;margin:0}
.facts dt{color:#58606b}.facts dd{margin:0;min-width:0}
.fingerprint{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}
.fingerprint.big{font-size:1rem;background:#fff;padding:.5rem;border:1px solid #d9dde3;border-radius:6px}
.os-wrong{color:#b3261e}
.alert{background:#fff0ef;border:1px solid #f0b7b2;border-radius:8px;padding:.5rem .75rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.actions h2{flex-basis:100%}
.actions form{margin:0}
button,.button{font:inherit;padding:.45rem .9rem;border-radius:6px;border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.danger{background:#b3261e;border-color:#b3261e}
pre,.diff{max-width:100%;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font:.8rem/1.4 ui-monospace,monospace;background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:.5rem;margin:0}
.diff{list-style:none}
.diff li{padding:0 .25rem}
.diff-add{background:#e3f7ec;color:#0c5c44}.diff-del{background:#fde8e6;color:#8c1d16}.diff-hunk{color:#6a40a8}.diff-head{color:#58606b}
table{border-collapse:collapse;width:100%;background:#fff;table-layout:fixed}
th,td{border-bottom:1px solid #e3e6ea;padding:.3rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.versions th:nth-child(-n+2),.versions td:nth-child(-n+2){width:2.2rem}
.rules th:first-child{width:3.5rem}.rules th:last-child{width:5rem}
.num{text-align:right;font-variant-numeric:tabular-nums}
.file{font-family:ui-monospace,monospace;font-size:.9rem;word-break:break-all}
.login{display:grid;gap:.75rem;max-width:22rem}
.login label{display:grid;gap:.25rem}
.login input{font:inherit;padding:.45rem;border:1px solid #b8bfc8;border-radius:6px;width:100%}
.outcome-ok{color:#0c5c44}.outcome-bad{color:#8c1d16}
footer{padding:.5rem 1rem;color:#58606b;font-size:.8rem}
.live-status.on{color:#13795b}
.flash{animation:flash 1.2s ease-out}
@keyframes flash{from{background:#fff7c2}to{background:inherit}}
@media (min-width:480px){.counts{grid-template-columns:repeat(5,minmax(0,1fr))}}
@media (min-width:700px){.sites{grid-template-columns:repeat(2,minmax(0,1fr))}.rack{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (min-width:1000px){.sites,.rack{grid-template-columns:repeat(3,minmax(0,1fr))}}
`;

/**
 * The live updates, in plain JavaScript: one EventSource on /api/v1/events.
 * A `state` message moves a device's badge wherever the page shows it; an
 * `entry` message is added to the page's event feed. Text goes in as text
 * (textContent), never as HTML.
 */
export const JS = `(function () {
  'use strict';
  var status = document.getElementById('live-status');
  function setStatus(text, on) { if (status) { status.textContent = text; status.className = 'live-status' + (on ? ' on' : ''); } }
  if (!window.EventSource) { setStatus('live updates: not supported by this browser', false); return; }
  function shortTime(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  function firstLine(text) { var line = String(text || '').split('\\n')[0]; return line.length > 200 ? line.slice(0, 199) + '\\u2026' : line; }
  function moveState(change) {
    var keys = [change.key];
    var rows = document.querySelectorAll('[data-key]');
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var key = row.getAttribute('data-key');
      var mac = row.getAttribute('data-mac');
      if (keys.indexOf(key) < 0 && !(mac && change.key === 'mac:' + mac)) continue;
      row.setAttribute('data-state', change.state);
      var badge = row.querySelector('[data-role=state]');
      if (badge) { badge.textContent = change.state; badge.className = 'state state-' + change.state; }
      var since = row.querySelector('[data-role=since]');
      if (since) { since.setAttribute('datetime', change.since); since.textContent = shortTime(change.since); }
      var message = row.querySelector('[data-role=message]');
      if (message) message.textContent = firstLine(change.message);
      row.classList.remove('flash'); void row.offsetWidth; row.classList.add('flash');
    }
    var page = document.body.getAttribute('data-page');
    if (page === 'overview' || page === 'site') refreshCounts();
    // A factory switch placed on the port map leaves the list of those not yet placed.
    if (change.became && document.querySelector('[data-key="' + CSS.escape(change.became.toLowerCase()) + '"]')) {
      var placed = document.querySelector('#factory [data-key="' + CSS.escape(change.key) + '"]');
      if (placed) placed.remove();
      return;
    }
    if (document.body.getAttribute('data-page') === 'site' && change.key.indexOf('mac:') === 0 && !document.querySelector('[data-key="' + change.key + '"], [data-mac="' + change.key.slice(4) + '"]')) addFactory(change);
  }
  function addFactory(change) {
    var list = document.getElementById('factory');
    if (!list || (change.site && change.site !== list.getAttribute('data-site'))) return;
    var empty = list.querySelector('.empty');
    if (empty) empty.remove();
    var li = document.createElement('li');
    li.className = 'port'; li.setAttribute('data-key', change.key); li.setAttribute('data-state', change.state);
    var who = document.createElement('div'); who.className = 'who'; who.textContent = 'Switch ' + change.key.slice(4);
    var now = document.createElement('div'); now.className = 'now';
    var badge = document.createElement('span'); badge.setAttribute('data-role', 'state'); badge.className = 'state state-' + change.state; badge.textContent = change.state;
    var since = document.createElement('time'); since.setAttribute('data-role', 'since'); since.setAttribute('datetime', change.since); since.textContent = ' ' + shortTime(change.since);
    now.appendChild(badge); now.appendChild(since);
    var message = document.createElement('div'); message.className = 'msg'; message.setAttribute('data-role', 'message'); message.textContent = firstLine(change.message);
    li.appendChild(who); li.appendChild(now); li.appendChild(message);
    list.appendChild(li);
  }
  var counting = false;
  function refreshCounts() {
    if (counting) return;
    counting = true;
    fetch('/api/v1/sites', { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (r) { return r.ok ? r.json() : []; }).then(function (sites) {
      sites.forEach(function (site) {
        var boxes = document.querySelectorAll('[data-site="' + CSS.escape(site.name) + '"]');
        for (var i = 0; i < boxes.length; i++) {
          var box = boxes[i];
          Object.keys(site.counts).forEach(function (bucket) {
            var cell = box.querySelector('[data-count=' + bucket + ']');
            if (cell) cell.textContent = String(site.counts[bucket]);
          });
        }
      });
    }).catch(function () {}).then(function () { counting = false; });
  }
  function addEntry(entry) {
    var feeds = document.querySelectorAll('[data-feed]');
    for (var i = 0; i < feeds.length; i++) {
      var feed = feeds[i];
      var which = feed.getAttribute('data-feed');
      if (which !== 'all' && (!entry.device || entry.device.toLowerCase() !== which)) continue;
      var li = document.createElement('li');
      li.className = 'event level-' + entry.level + ' flash';
      var time = document.createElement('time'); time.setAttribute('datetime', entry.time); time.textContent = shortTime(entry.time);
      var name = document.createElement('span'); name.className = 'event-name'; name.textContent = entry.event;
      li.appendChild(time); li.appendChild(name);
      if (entry.device) { var a = document.createElement('a'); a.href = '/devices/' + encodeURIComponent(entry.device); a.textContent = entry.device; li.appendChild(a); }
      if (entry.result) { var r = document.createElement('span'); r.className = 'result result-' + entry.result; r.textContent = entry.result; li.appendChild(r); }
      if (entry.appliance) { var by = document.createElement('span'); by.className = 'by'; by.textContent = 'by ' + entry.appliance; li.appendChild(by); }
      var msg = document.createElement('span'); msg.className = 'msg'; msg.textContent = firstLine(entry.msg); li.appendChild(msg);
      feed.insertBefore(li, feed.firstChild);
      while (feed.children.length > 200) feed.removeChild(feed.lastChild);
    }
  }
  var source = new EventSource('/api/v1/events');
  source.addEventListener('open', function () { setStatus('live updates: on', true); });
  source.addEventListener('error', function () { setStatus('live updates: reconnecting…', false); });
  source.addEventListener('state', function (message) { moveState(JSON.parse(message.data)); });
  source.addEventListener('entry', function (message) { addEntry(JSON.parse(message.data)); });
})();
`;
