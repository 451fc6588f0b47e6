/// The dashboard's page, style sheet and icon, built into the binary: nothing is fetched from
/// anywhere else, so it works on a machine without a network. The script is in
/// `WebAssets+Script.swift`. The page holds no inline script or style (the Content-Security-Policy
/// allows neither), and the script builds every element with `textContent`, never `innerHTML`.
enum WebAssets {
    static let indexHTML = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>choo</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/app.css">
        <script src="/app.js" defer></script>
        </head>
        <body>
        <header class="top">
          <a class="brand" href="#/runs">choo</a>
          <nav id="crumbs"></nav>
          <span id="connection" class="connection" title="live updates"></span>
        </header>
        <main id="main"><p class="muted">Loading…</p></main>
        <noscript>The dashboard needs JavaScript; `choo status` and `choo history` show the same in a terminal.</noscript>
        </body>
        </html>
        """#

    static let icon = #"""
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2b6cb0"/><circle cx="5" cy="8" r="2" fill="#fff"/><circle cx="11" cy="5" r="2" fill="#9ae6b4"/><circle cx="11" cy="11" r="2" fill="#fbd38d"/></svg>
        """#

    static let style = #"""
        :root {
          --bg: #11151c; --panel: #1a202c; --line: #2d3748; --text: #e2e8f0; --muted: #a0aec0;
          --queued: #718096; --preparing: #63b3ed; --running: #3182ce; --paused: #d69e2e; --in_review: #9f7aea;
          --landing: #38b2ac; --landed: #38a169; --failed: #e53e3e; --blocked: #dd6b20; --stopped: #a0aec0;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: var(--bg);
        }
        * { box-sizing: border-box; }
        body { margin: 0; }
        a { color: #90cdf4; }
        .top { display: flex; align-items: center; gap: 1rem; padding: .5rem 1rem; background: var(--panel);
          border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 5; }
        .brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; color: var(--text); }
        #crumbs { flex: 1; color: var(--muted); overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
        .connection { width: .8rem; height: .8rem; border-radius: 50%; background: var(--queued); }
        .connection.live { background: var(--landed); }
        .connection.lost { background: var(--failed); }
        main { padding: 1rem; }
        .muted { color: var(--muted); }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 600; font-size: .85rem; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.link { cursor: pointer; }
        tr.link:hover { background: var(--panel); }
        .badge { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; font-size: .8rem; background: var(--line); }
        .badge.complete, .badge.landed { background: var(--landed); }
        .badge.failed { background: var(--failed); }
        .badge.interrupted, .badge.stopped_abruptly, .badge.stopped { background: #4a5568; }
        .badge.running { background: var(--running); }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .6rem; margin-bottom: 1rem; }
        .card { background: var(--panel); border: 1px solid var(--line); border-radius: .5rem; padding: .5rem .75rem; }
        .card .label { color: var(--muted); font-size: .8rem; }
        .card .value { font-size: 1.5rem; font-variant-numeric: tabular-nums; }
        .banner { border-radius: .5rem; padding: .6rem 1rem; margin-bottom: .6rem; font-weight: 600; }
        .banner.pause { background: #744210; }
        .banner.budget { background: #742a2a; }
        .banner.stopping { background: #4a5568; }
        .legend { display: flex; flex-wrap: wrap; gap: .8rem; margin: .4rem 0 .8rem; font-size: .85rem; color: var(--muted); }
        .legend span::before { content: ""; display: inline-block; width: .8rem; height: .8rem; border-radius: .2rem;
          margin-right: .3rem; vertical-align: -2px; background: var(--swatch); }
        .layout { display: grid; grid-template-columns: minmax(0, 1fr) 26rem; gap: 1rem; align-items: start; }
        .layout.closed { grid-template-columns: minmax(0, 1fr); }
        .dag-wrap { position: relative; overflow: auto; max-height: 70vh; background: var(--panel);
          border: 1px solid var(--line); border-radius: .5rem; }
        .dag { position: relative; display: flex; gap: 2.5rem; padding: 1rem; width: max-content; min-width: 100%; }
        .level { display: flex; flex-direction: column; gap: .45rem; }
        .level-title { color: var(--muted); font-size: .75rem; text-transform: uppercase; letter-spacing: .05em; }
        .edges { position: absolute; left: 0; top: 0; pointer-events: none; overflow: visible; }
        .edges line { stroke: #4a5568; stroke-width: 1.2; }
        .edges line.critical { stroke: #f6e05e; stroke-width: 2.5; }
        .edges line.selected { stroke: #90cdf4; stroke-width: 2; }
        .node { width: 12.5rem; padding: .35rem .5rem; border-radius: .4rem; background: #202836; cursor: pointer;
          border-left: .4rem solid var(--phase); position: relative; z-index: 1; }
        .node:hover, .node.selected { outline: 2px solid #90cdf4; }
        .node.critical { box-shadow: 0 0 0 2px #f6e05e; }
        .node .name { font-weight: 600; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
        .node .sub { font-size: .75rem; color: var(--muted); overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
        .bar { display: flex; gap: 2px; margin-top: .25rem; height: .35rem; }
        .bar i { flex: 1; background: var(--line); border-radius: 1px; }
        .bar i.done { background: var(--landed); }
        .bar i.now { background: var(--running); }
        .bar i.bad { background: var(--failed); }
        .phase-queued { --phase: var(--queued); } .phase-preparing { --phase: var(--preparing); }
        .phase-running { --phase: var(--running); } .phase-paused { --phase: var(--paused); }
        .phase-in_review { --phase: var(--in_review); } .phase-landing { --phase: var(--landing); }
        .phase-landed { --phase: var(--landed); } .phase-failed { --phase: var(--failed); }
        .phase-blocked { --phase: var(--blocked); } .phase-stopped { --phase: var(--stopped); }
        .node.phase-landed { background: #1c3326; } .node.phase-failed { background: #3b1f22; }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: .5rem; padding: .8rem;
          position: sticky; top: 3.5rem; max-height: calc(100vh - 4.5rem); overflow: auto; }
        .panel h2 { margin: 0 0 .3rem; font-size: 1.15rem; word-break: break-all; }
        .panel h3 { margin: 1rem 0 .3rem; font-size: .95rem; color: var(--muted); }
        .panel .close { float: right; background: none; border: 1px solid var(--line); color: var(--text);
          border-radius: .3rem; cursor: pointer; }
        .failure { background: #3b1f22; border-radius: .4rem; padding: .5rem; margin-top: .5rem; }
        .failure .todo { margin-top: .4rem; color: #fbd38d; }
        pre.log { background: #0b0e13; padding: .5rem; border-radius: .3rem; max-height: 22rem; overflow: auto;
          font-size: .75rem; white-space: pre-wrap; word-break: break-word; }
        .events { max-height: 22rem; overflow: auto; font-family: ui-monospace, monospace; font-size: .78rem;
          background: var(--panel); border: 1px solid var(--line); border-radius: .5rem; padding: .4rem; }
        .events div { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .events .seq { color: var(--muted); margin-right: .5rem; }
        .events .error { color: #feb2b2; }
        button.stop { background: var(--failed); color: #fff; border: 0; border-radius: .3rem; padding: .3rem .8rem;
          cursor: pointer; font-weight: 600; }
        h1 { font-size: 1.4rem; margin: 0 0 .8rem; display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; }
        @media (max-width: 900px) {
          .layout { grid-template-columns: minmax(0, 1fr); }
          .panel { position: static; max-height: none; }
        }
        @media (max-width: 600px) {
          main { padding: .5rem; }
          .dag { flex-direction: column; gap: 1rem; width: auto; }
          .level { flex-direction: row; flex-wrap: wrap; }
          .level-title { width: 100%; }
          .node { width: calc(50% - .3rem); }
          .edges { display: none; }
          .card .value { font-size: 1.15rem; }
          .hide-narrow { display: none; }
        }
        """#
}
