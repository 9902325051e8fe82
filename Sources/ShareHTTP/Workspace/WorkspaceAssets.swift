/// The workspace's stylesheet (screen and print) and its script, served by the broker itself:
/// no build step and nothing fetched from elsewhere.
enum WorkspaceAssets {
    /// Readable from 320 px wide without horizontal scrolling; on paper, the header (whose record,
    /// who, when, the tree head) stays and the navigation and forms go. Whatever has the keyboard's
    /// focus is outlined (a date field too, while its calendar button has focus), and the page
    /// scrolls far enough to show the whole outline.
    static let stylesheet = """
        body{font-family:system-ui,sans-serif;line-height:1.45;margin:0 auto;max-width:60rem;padding:0 1rem;color:#1b1b1b;background:#fff}
        a{color:#0b4f9c}a:focus,button:focus,input:focus-within,select:focus{outline:3px solid #d97706;outline-offset:2px}
        a,button,input,select{scroll-margin:1rem}
        .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
        nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
        h1{margin:.5rem 0}p,li,dd,td,code{overflow-wrap:anywhere}
        .viewer,.record{margin:.3rem 0}.verification{padding:.4rem .6rem;background:#f1f5f9;border-left:4px solid #64748b}
        .verification.ok{border-color:#15803d;background:#f0fdf4}.verification.bad{border-color:#b91c1c;background:#fef2f2}
        form{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:end;margin:1rem 0}
        form label{display:block;font-weight:600}.field{min-width:0;max-width:100%}fieldset{border:1px solid #94a3b8;flex:1 1 14rem;min-width:0}
        input,select,button{font:inherit;padding:.3rem;max-width:100%}button{background:#0b4f9c;color:#fff;border:0;padding:.45rem 1rem}
        ol.timeline{list-style:none;padding:0}li.item{border:1px solid #cbd5e1;border-left:6px solid #0b4f9c;padding:.5rem .8rem;margin:1rem 0}
        li.item.refusal{border-left-color:#b91c1c}li.item.decision-not-to-share{border-left-color:#7c3aed}
        li.item.notice{border-left-color:#64748b}li.item.flag-query{border-left-color:#d97706}
        h3{font-size:1.05rem;margin:.2rem 0}dl{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.2rem 1rem}
        dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
        table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.95rem}th,td{border:1px solid #cbd5e1;padding:.3rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
        caption{text-align:left;font-weight:600}.late,.refused strong{color:#b91c1c}
        ol.entries{font-size:.85rem;color:#334155;padding-left:1.2rem}.index{font-family:monospace}
        .verdict{font-weight:600}.verdict[data-verdict=verified]{color:#15803d}.verdict[data-verdict=failed]{color:#b91c1c}
        @media (max-width:40rem){dl{grid-template-columns:1fr}table,thead,tbody,tr,th,td{display:block}thead{display:none}td{border:0;padding:.1rem 0}tr{border-top:1px solid #cbd5e1;padding:.3rem 0}}
        @media print{nav,form,.skip{display:none}body{max-width:none;font-size:10pt}li.item{break-inside:avoid}
        a{color:inherit;text-decoration:none}header{border-bottom:2px solid #000;margin-bottom:1rem}
        .verification{background:none}footer{border-top:1px solid #000;margin-top:1rem}}
        """

    static let script = WorkspaceScript.source
}
