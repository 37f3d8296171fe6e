// When the network view redraws: at most every `every` ms while frames stream in, and only the
// charts on screen (Plotly takes tens of ms a chart); a chart that scrolls into view, or the
// end of a run (`whole`), brings every chart up to date.

export class Painter {
  // paint(force): redraw, calling drawSeen() for each watched chart; watched: { name: div }.
  constructor({ paint, watched, every = 120 }) {
    Object.assign(this, { paint, watched, every });
    this.active = true;
    this.last = 0;
    this.timer = 0;
    this.whole = false;
    this.seen = new Set();
    this.dirty = new Set();
    this.observer = new IntersectionObserver((entries) => this.scrolled(entries));
    for (const div of Object.values(watched)) this.observer.observe(div);
  }

  scrolled(entries) {
    for (const entry of entries) {
      const name = Object.keys(this.watched).find((key) => this.watched[key] === entry.target);
      if (entry.isIntersecting) this.seen.add(name);
      else this.seen.delete(name);
      if (entry.isIntersecting && this.dirty.has(name)) this.later();
    }
  }

  // Draw a chart now if it is on screen (or `force`), else when it comes into view.
  drawSeen(name, draw, force) {
    if (!force && !this.seen.has(name)) { this.dirty.add(name); return; }
    this.dirty.delete(name);
    draw();
  }

  // Redraw soon; `whole`: every chart, seen or not.
  later(whole = false) {
    this.whole ||= whole;
    if (this.timer || !this.active) return;
    const wait = Math.max(0, this.last + this.every - performance.now());
    this.timer = setTimeout(() => {
      this.timer = 0;
      requestAnimationFrame(() => this.now(this.whole));
    }, wait);
  }

  now(force = false) {
    this.whole = false;
    this.last = performance.now();
    this.paint(force);
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = 0;
    this.observer.disconnect();
  }
}
