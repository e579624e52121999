// What a drawn chart shows, written to its element as data-layout (JSON): the
// plot area and every tick label's text, position and box, in CSS pixels from
// the canvas's top left, and the series colours. The browser test checks the
// drawing against it (ticks inside the range, labels clear of the bars).

// `u`: the uPlot chart; `info`: {x, y: [{at, text}], font, fontPx, tickPx, gapPx, colors}.
export function describeChart(u, box, info) {
  const ratio = devicePixelRatio || 1;
  const plot = { left: u.bbox.left / ratio, top: u.bbox.top / ratio, width: u.bbox.width / ratio,
    height: u.bbox.height / ratio };
  const bottom = plot.top + plot.height;
  const measure = u.ctx.canvas.getContext('2d');
  measure.save();
  measure.font = info.font;
  const width = (text) => measure.measureText(text).width;
  const lineHeight = info.fontPx * 1.25;
  const x = info.x.map((t) => {
    const pos = plot.left + u.valToPos(t.at / 1000, 'x');
    const w = width(t.text);
    const top = bottom + info.tickPx + info.gapPx;
    return { text: t.text, at: t.at, pos, box: { left: pos - w / 2, right: pos + w / 2, top, bottom: top + lineHeight } };
  });
  const y = info.y.map((t) => {
    const pos = plot.top + u.valToPos(t.at, 'y');
    const right = plot.left - info.tickPx - info.gapPx;
    return { text: t.text, at: t.at, pos,
      box: { left: right - width(t.text), right, top: pos - lineHeight / 2, bottom: pos + lineHeight / 2 } };
  });
  measure.restore();
  const range = { min: u.scales.x.min * 1000, max: u.scales.x.max * 1000 };
  box.dataset.layout = JSON.stringify({ plot, range, x, y, colors: info.colors, ratio });
}
