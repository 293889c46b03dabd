/**
 * The setup page's style sheet, served as a file of its own (SETUP_STYLESHEET_PATH) because the
 * page's CSP allows styles from this origin only, never inline. Kept here as text so the build
 * (tsc) ships it with the code. Contrast: every colour pair passes WCAG AA (axe checks it).
 */
export const SETUP_STYLESHEET = `:root {
  color-scheme: light;
  --ink: #1b1f23;
  --muted: #4a5560;
  --accent: #0b5cad;
  --accent-ink: #ffffff;
  --problem: #a4161a;
  --line: #c9d1d9;
  --panel: #f4f6f8;
}
* { box-sizing: border-box; }
body {
  margin: 0;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 1rem;
  line-height: 1.5;
  color: var(--ink);
  background: #ffffff;
}
header, main { max-width: 46rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1rem; }
.languages { list-style: none; margin: 0; padding: 0; display: flex; gap: 1rem; justify-content: flex-end; }
.languages a[aria-current] { font-weight: 700; text-decoration: none; color: var(--ink); }
.provider { margin: 0; color: var(--muted); font-weight: 600; }
h1 { margin: 0.25rem 0 1rem; font-size: 1.75rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 0.5rem; overflow-wrap: anywhere; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
a { color: var(--accent); }
a:focus-visible, input:focus-visible, button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.lookup { background: var(--panel); border: 1px solid var(--line); border-radius: 0.5rem; padding: 1rem; }
.lookup p { margin: 0 0 0.75rem; }
label { display: block; font-weight: 600; }
.hint, .note { color: var(--muted); }
.lookup .hint { margin: 0 0 0.25rem; font-size: 0.9rem; }
.field { display: flex; flex-wrap: wrap; gap: 0.5rem; }
input[type="text"] {
  flex: 1 1 16rem;
  font: inherit;
  padding: 0.5rem 0.75rem;
  border: 1px solid var(--muted);
  border-radius: 0.375rem;
}
input[aria-invalid="true"] { border-color: var(--problem); border-width: 2px; }
button, .button {
  display: inline-block;
  font: inherit;
  font-weight: 600;
  padding: 0.5rem 1rem;
  border: 0;
  border-radius: 0.375rem;
  background: var(--accent);
  color: var(--accent-ink);
  text-decoration: none;
  cursor: pointer;
}
.button.secondary { background: #ffffff; color: var(--accent); border: 1px solid var(--accent); padding: 0.25rem 0.75rem; }
.problem { color: var(--problem); font-weight: 600; margin: 0.75rem 0 0; }
.lookup .problem { margin: 0.75rem 0 0; }
.address { overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
th, td { text-align: left; padding: 0.375rem 0.5rem; border-bottom: 1px solid var(--line); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: fit-content(16rem) 1fr; gap: 0.25rem 1rem; margin: 0.5rem 0; }
dt { font-weight: 600; }
dd { margin: 0; }
.buttons { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.qr { margin: 1rem 0; }
.qr svg { display: block; width: 12rem; height: 12rem; }
.qr figcaption { color: var(--muted); font-size: 0.9rem; }
main { padding-bottom: 2rem; }
`;
