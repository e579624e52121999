// CSV of exactly what a table shows, downloaded from the page itself, with
// the API's CSV rules (docs/SECURITY.md, "Output to people"): a number is
// written as it is; text has its control characters (C0, DEL, C1) and
// bidirectional overrides shown escaped (one row is one line), a ' before a
// leading = + - @ so no spreadsheet reads it as a formula (OWASP, "CSV
// Injection"), and quotes when it holds a comma or a double quote.

const LIVE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escaped(ch) {
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  const code = ch.charCodeAt(0);
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

// A text cell.
export function textCell(value) {
  let s = String(value).replace(LIVE, escaped);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function field(v) {
  return typeof v === 'number' ? String(v) : textCell(v);
}

export function toCsv(header, rows) {
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
}

export function download(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
