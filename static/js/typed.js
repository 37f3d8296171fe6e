// Plotly's typed-array encoding {dtype, bdata, shape} (base64, little-endian), as the API
// sends grids and, with "format": "arrays", whole runs.

const DTYPES = { f4: Float32Array, f8: Float64Array, i4: Int32Array, u1: Uint8Array };

// One typed array as a flat JS typed array.
export function decodeArray(typed) {
  const bytes = Uint8Array.from(atob(typed.bdata), (c) => c.charCodeAt(0));
  const Type = DTYPES[typed.dtype];
  if (!Type) throw new Error(`unknown dtype ${typed.dtype}`);
  return new Type(bytes.buffer);
}

export function shapeOf(typed) {
  if (typed.shape === undefined || typed.shape === null) return null;
  return (Array.isArray(typed.shape) ? typed.shape : String(typed.shape).split(",")).map(Number);
}

// A typed array as plain numbers: a list, or a list of rows when it has two dimensions.
export function decodeTyped(typed) {
  const flat = decodeArray(typed);
  const shape = shapeOf(typed);
  if (!shape || shape.length < 2) return Array.from(flat);
  const cols = shape[1];
  return Array.from({ length: shape[0] }, (_, r) => Array.from(flat.subarray(r * cols, (r + 1) * cols)));
}

// A reply in typed arrays ("format": "arrays") as one plain trajectory per start.
export function readRunArrays(reply) {
  const offsets = decodeArray(reply.offsets), steps = decodeArray(reply.steps);
  const loss = decodeArray(reply.loss), flat = decodeArray(reply.points);
  const finite = reply.loss_finite ? decodeArray(reply.loss_finite) : null;
  const dim = shapeOf(reply.points)?.[1] ?? reply.dim;
  const status = decodeArray(reply.status), taken = decodeArray(reply.steps_taken);
  return Array.from({ length: offsets.length - 1 }, (_, k) => {
    const [a, b] = [offsets[k], offsets[k + 1]];
    return {
      steps: Array.from(steps.subarray(a, b)),
      loss: Array.from(loss.subarray(a, b), (v, n) => (finite && !finite[a + n] ? NaN : v)),
      points: Array.from({ length: b - a }, (_, n) => Array.from(flat.subarray((a + n) * dim, (a + n + 1) * dim))),
      grad: null, status: reply.statuses[status[k]], steps_taken: taken[k], message: reply.messages[k],
    };
  });
}
