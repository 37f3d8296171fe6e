// The page's colours for things told apart by colour: Okabe and Ito's eight (2008), which stay
// distinct with every common kind of colour blindness. Each list below is an order for one use;
// surfaces use Plotly's "Viridis", perceptually uniform and readable in grey.

export const OKABE_ITO = Object.freeze({
  blue: "#0072B2", orange: "#E69F00", green: "#009E73", purple: "#CC79A7",
  sky: "#56B4E9", vermillion: "#D55E00", yellow: "#F0E442", black: "#000000",
});

const O = OKABE_ITO;

// Series told apart by a legend (runs, classes, starts): the eight in Okabe and Ito's order.
export const SERIES = Object.freeze([O.blue, O.orange, O.green, O.purple, O.sky, O.vermillion, O.yellow, O.black]);

// Trajectories on the loss chart (white) and the contour map (Viridis): no yellow, which
// vanishes on both; blue, vermillion and green first, three optimizers of a race.
export const TRAJECTORY = Object.freeze([O.blue, O.vermillion, O.green, O.orange, O.purple, O.sky, O.black]);

// Past the colours, the shape changes too, so that colour is never the only cue:
// every TRAJECTORY.length trajectories take the next marker and dash.
const SYMBOLS = ["circle", "square", "diamond", "x"]; // symbols both 2-D and 3-D scatters draw
const DASHES = ["solid", "dash", "dot", "dashdot"];

export function trajectoryStyle(i) {
  const round = Math.floor(i / TRAJECTORY.length);
  return {
    color: TRAJECTORY[i % TRAJECTORY.length],
    symbol: SYMBOLS[round % SYMBOLS.length],
    dash: DASHES[round % DASHES.length],
  };
}

