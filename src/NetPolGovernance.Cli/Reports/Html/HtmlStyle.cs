namespace NetPolGovernance.Cli.Reports.Html;

/// <summary>
/// The report's inline stylesheet: system fonts, status colours that always come with a text label, tables that
/// break cleanly across printed pages, the cluster index as a grid of collapsed <c>&lt;details&gt;</c> rows. No
/// external assets, no scripts.
/// </summary>
internal static class HtmlStyle
{
    public const string Css = """
        :root { --ink:#1f2933; --muted:#52606d; --line:#d9e2ec; --bg:#f5f7fa; --card:#fff;
          --ok:#1e7e34; --ok-bg:#e3f4e8; --bad:#b42318; --bad-bg:#fde8e6; --warn:#9a5b00; --warn-bg:#fff1d6;
          --exempt:#1d4f91; --exempt-bg:#e3edfb; --unknown:#5b4b8a; --unknown-bg:#ece8f7; }
        * { box-sizing: border-box; }
        body { margin:0; background:var(--bg); color:var(--ink);
          font:14px/1.5 "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif; }
        header.top { background:#102a43; color:#fff; padding:24px 40px; }
        header.top h1 { margin:0 0 4px; font-size:24px; font-weight:600; letter-spacing:.2px; }
        header.top p { margin:0; color:#bcccdc; }
        main.report { display:flex; flex-direction:column; gap:24px; padding:24px 40px 40px; max-width:1400px; margin:0 auto; }
        section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:20px 24px; }
        .clusters .row { display:grid; grid-template-columns:1.2em minmax(14em, 3fr) 7em repeat(8, minmax(5.5em, 1fr)); gap:0 8px; align-items:center;
          padding:5px 8px; border-bottom:1px solid var(--line); font-size:13px; }
        .clusters .row > span:nth-child(n+3) { text-align:right; font-variant-numeric:tabular-nums; }
        .clusters .row > span:first-child { overflow-wrap:anywhere; font-weight:600; }
        .clusters .row.head { background:#f0f4f8; font-weight:600; color:#334e68; border-radius:6px 6px 0 0; }
        .clusters .row.head::before { content:""; }
        details.cluster { margin:0; }
        details.cluster > summary { list-style:none; font-weight:400; }
        details.cluster > summary::-webkit-details-marker { display:none; }
        details.cluster > summary::before { content:"▸"; color:var(--muted); }
        details.cluster[open] > summary::before { content:"▾"; }
        details.cluster > summary:hover { background:#f7f9fb; }
        details.cluster[open] > summary { background:#eef3f8; }
        details.cluster > .body { padding:4px 16px 16px 28px; border-bottom:1px solid var(--line); }
        ul.findings { margin:0; padding-left:0; list-style:none; }
        ul.findings li { margin:2px 0; }
        ul.findings li.info { color:var(--muted); }
        ul.findings b { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; white-space:nowrap; border:1px solid transparent; }
        ul.findings a, p.named a { font-family:"Cascadia Mono", Consolas, "SFMono-Regular", Menlo, monospace; font-size:12px; color:inherit; }
        p.named { margin:2px 0; } p.named a { padding:0 6px; border-radius:4px; border:1px solid transparent; }
        ul.findings i { font-style:normal; font-size:11px; border:1px solid var(--line); border-radius:4px; padding:0 4px; color:var(--muted); }
        ul.findings .evidence b { padding:0; border:0; border-radius:0; font-size:inherit; background:none; display:inline; color:inherit; }
        ul.findings li.exempt { color:var(--exempt); }
        tr.f > td { padding-top:0; padding-left:24px; }
        a.check { font-family:"Cascadia Mono", Consolas, "SFMono-Regular", Menlo, monospace; font-size:12px; color:inherit; }
        .tag { font-size:11px; border:1px solid var(--line); border-radius:4px; padding:0 4px; color:var(--muted); }
        .compact { margin:6px 0; }
        .where { margin:4px 0; font-size:12px; color:var(--muted); max-width:70em; }
        a { color:#1d4f91; }
        h2 { font-size:19px; margin:0 0 12px; font-weight:600; display:flex; align-items:center; gap:10px; flex-wrap:wrap; }
        h3 { font-size:15px; margin:20px 0 8px; font-weight:600; color:#334e68; }
        .kpis { display:grid; grid-template-columns:repeat(auto-fit, minmax(170px, 1fr)); gap:12px; margin-bottom:8px; }
        .kpi { border:1px solid var(--line); border-radius:8px; padding:12px 16px; }
        .kpi .value { font-size:28px; font-weight:600; line-height:1.2; }
        .kpi .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.6px; }
        .kpi .sub { color:var(--muted); font-size:12px; }
        .bar { display:flex; height:14px; border-radius:7px; overflow:hidden; border:1px solid var(--line); margin:8px 0 4px; }
        .bar span { display:block; height:100%; }
        .legend { color:var(--muted); font-size:12px; display:flex; gap:14px; flex-wrap:wrap; }
        table { border-collapse:collapse; width:100%; margin:4px 0 8px; font-size:13px; }
        th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
        th { background:#f0f4f8; font-weight:600; color:#334e68; white-space:nowrap; }
        td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
        tr { break-inside:avoid; }
        thead { display:table-header-group; }
        .badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; white-space:nowrap; border:1px solid transparent; }
        .s-compliant, .s-scanned, .s-pass, .s-passed { color:var(--ok); background:var(--ok-bg); border-color:#b7e1c1; }
        .s-noncompliant, .s-fail, .s-failed, .s-publish-failed, .s-critical, .s-high { color:var(--bad); background:var(--bad-bg); border-color:#f5c2bc; }
        .s-unenforced, .s-medium, .s-skipped { color:var(--warn); background:var(--warn-bg); border-color:#f3d9a4; }
        .s-exempt, .s-low, .s-info { color:var(--exempt); background:var(--exempt-bg); border-color:#bcd3f3; }
        .s-unknown, .s-notapplicable, .s-incomplete { color:var(--unknown); background:var(--unknown-bg); border-color:#d3cbeb; }
        .fill-compliant { background:var(--ok); } .fill-noncompliant { background:var(--bad); } .fill-unenforced { background:#d98e04; }
        .fill-exempt { background:#4f7cc3; } .fill-unknown { background:#8e7cc3; }
        .facts { color:var(--muted); margin:0 0 8px; }
        .facts b { color:var(--ink); font-weight:600; }
        .reason { border-left:4px solid var(--unknown); background:var(--unknown-bg); padding:8px 12px; border-radius:4px; margin:8px 0; }
        .evidence { margin:0; color:var(--muted); font-size:12px; }
        ul.evidence { padding-left:16px; }
        .muted { color:var(--muted); }
        code, pre { font-family:"Cascadia Mono", Consolas, "SFMono-Regular", Menlo, monospace; font-size:12px; }
        pre { background:#f0f4f8; border:1px solid var(--line); border-radius:6px; padding:10px 12px; overflow-x:auto; white-space:pre; }
        details { margin:6px 0; } summary { cursor:pointer; font-weight:600; }
        footer { color:var(--muted); font-size:12px; text-align:center; padding:0 40px 32px; }
        @media print {
          body { background:#fff; font-size:11px; }
          header.top { background:#fff; color:var(--ink); border-bottom:2px solid var(--ink); padding:0 0 8px; }
          header.top p { color:var(--muted); }
          main.report { padding:12px 0; max-width:none; }
          section { border:none; padding:0; break-inside:auto; }
          details.cluster[open] { break-before:page; }
          details > pre { display:block; }
          .badge, .bar span { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
        }
        """;
}
