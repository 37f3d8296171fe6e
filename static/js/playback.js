// A playback cursor that moves at `speed` steps per second. It asks for animation frames only
// while it is playing, has somewhere to go and its view is shown; otherwise it draws once per
// request() and then sleeps.

export class Player {
  // draw(): render at this.cursor; limit(): the furthest step there is to show;
  // finished(): no more records will come.
  constructor({ draw, limit, finished }) {
    Object.assign(this, { draw, limit, finished });
    this.cursor = 0;
    this.speed = 50;
    this.playing = false;
    this.active = true;
    this.frame = 0;
    this.last = null;
  }

  // Draw at the next animation frame (once, however often it is asked).
  request() {
    if (this.active && !this.frame) this.frame = requestAnimationFrame((now) => this.tick(now));
  }

  tick(now) {
    this.frame = 0;
    if (this.playing) {
      const dt = this.last === null ? 0 : Math.min(0.1, (now - this.last) / 1000);
      this.last = now;
      this.cursor = Math.min(this.cursor + this.speed * dt, this.limit());
      if (this.finished() && this.cursor >= this.limit()) this.playing = false;
    }
    this.draw();
    // Keep going only while there is more to show; new records call request() again.
    if (this.playing && this.cursor < this.limit()) this.request();
    else this.last = null;
  }

  play(on) {
    this.playing = on;
    this.last = null;
    this.request();
  }

  seek(cursor) {
    this.cursor = cursor;
    this.request();
  }

  // A hidden view asks for no frames at all; shown again, it draws what it missed.
  setActive(on) {
    this.active = on;
    if (!on && this.frame) { cancelAnimationFrame(this.frame); this.frame = 0; }
    this.last = null;
    if (on) this.request();
  }

  stop() {
    this.setActive(false);
    this.playing = false;
  }
}
