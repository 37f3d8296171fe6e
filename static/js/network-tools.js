// The tools under the network view's charts, one tab each: the loss landscape around the shown
// network's last point (network-landscape.js) and a gradient check of every layer
// (network-gradcheck.js). Which tab is open and the landscape's directions live in the view's
// state; both tools work on what shown() gives.

import { CheckPanel } from "./network-gradcheck.js";
import { LandscapePanel } from "./network-landscape.js";
import { fitPlots } from "./plots.js";

export class NetworkTools {
  // q(role), root: the view's; signal: ends the tools' requests; shown(): the shown network
  // ({ objective, latest, traj, info, depth, samples, gen }) or null; stale(gen): its replies
  // are too old; kind(): the landscape's directions ("pca" or "random").
  constructor({ q, root, signal, shown, stale, kind }) {
    Object.assign(this, { q, root });
    const tools = { q, root, signal, source: () => this.source(shown(), kind()), stale };
    this.landscape = new LandscapePanel(tools);
    this.check = new CheckPanel(tools);
  }

  // on(target, type, handler): the view's listener; changed(patch): the state's tab or dirs
  // changed to patch's; fail(error).
  wire(on, changed, fail) {
    for (const button of this.root.querySelectorAll("[data-tab]")) on(button, "click", () => changed({ tab: button.dataset.tab }));
    on("directions", "change", () => changed({ dirs: this.q("directions").value }));
    on("landscape", "click", () => this.landscape.run().catch(fail));
    on("gradcheck", "click", () => this.check.run().catch(fail));
  }

  // The state's tab and directions, in the controls.
  show({ tab, dirs }) {
    this.q("directions").value = dirs;
    this.showTab(tab);
  }

  showTab(tab) {
    for (const button of this.root.querySelectorAll("[data-tab]")) button.setAttribute("aria-pressed", String(button.dataset.tab === tab));
    for (const panel of this.root.querySelectorAll("[data-tab-panel]")) panel.hidden = panel.dataset.tabPanel !== tab;
    fitPlots(this.landscape.plots);
  }

  // What the landscape and the check work on: the shown network with the directions and seed.
  source(network, kind) {
    if (!network) return null;
    return { ...network, kind, seed: Math.max(0, Math.round(Number(this.q("land-seed").value) || 0)) };
  }

  clear() {
    this.landscape.clear();
    this.check.clear();
  }

  relabel() {
    this.landscape.draw().catch(() => {});
    this.check.show();
  }
}
