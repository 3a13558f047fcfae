/**
 * A 300-byte WebAssembly SIMD kernel for the int8 scan of the vector index, assembled here byte by byte
 * so that no toolchain or binary file is needed. JS has no SIMD: a scalar JS int8 dot product costs about
 * 1.4 ns per component on the reference machine (180 ms for 100k × 1280), the kernel about 0.1 ns.
 *
 *   scan(vecPtr, queryPtr, dim, count, outPtr)
 *     for i in 0..count:  out_i32[i] = Σ_j vec_i8[i * dim + j] * query_i16[j]
 *
 * Stored vectors are int8 (i16x8.load8x8_s widens 8 of them to int16 lanes), the query is int16 (already
 * widened, 16-byte aligned), and i32x4.dot_i16x8_s multiplies and pair-adds into int32 lanes. The inner
 * loop is unrolled twice, so dim must be a multiple of 16 (EMBEDDING_DIM = 1280 is). Sums cannot
 * overflow: |q| <= 127, so one int32 lane gathers at most dim/4 products of < 2^14 each.
 *
 * Returns null where WebAssembly SIMD is not available (Safari < 16.4); the index then scans in JS.
 */

/** Opcodes used below (core spec and the fixed-width SIMD proposal, prefix 0xfd). */
const OP = {
  block: 0x02, loop: 0x03, end: 0x0b, brIf: 0x0d, void: 0x40,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Store: 0x36, i32Const: 0x41, i32Eqz: 0x45, i32LtU: 0x49, i32Add: 0x6a, i32Sub: 0x6b,
  i32: 0x7f, v128: 0x7b,
  simd: 0xfd,
} as const;
const SIMD = {
  v128Load: [0x00],
  i16x8Load8x8S: [0x01],
  v128Const: [0x0c],
  i32x4ExtractLane: [0x1b],
  i32x4Add: [0xae, 0x01], // 174 as LEB128
  i32x4DotI16x8S: [0xba, 0x01], // 186 as LEB128
} as const;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
const withSize = (bytes: number[]): number[] => [...uleb(bytes.length), ...bytes];
const section = (id: number, bytes: number[]): number[] => [id, ...withSize(bytes)];
const name = (s: string): number[] => withSize([...s].map((c) => c.charCodeAt(0)));
/** memarg: alignment exponent 0 (no alignment promised), then the static offset. */
const mem = (offset: number): number[] => [0, ...uleb(offset)];

// Locals: params 0..4, then end (5), qp (6), acc (7).
const V = 0, Q = 1, DIM = 2, N = 3, OUT = 4, END = 5, QP = 6, ACC = 7;
const get = (i: number) => [OP.localGet, i];
const set = (i: number) => [OP.localSet, i];
const addConst = (i: number, c: number) => [...get(i), OP.i32Const, ...uleb(c), OP.i32Add, ...set(i)];
const lane = (l: number) => [...get(ACC), OP.simd, ...SIMD.i32x4ExtractLane, l];

const body = [
  ...[2, 2, OP.i32, 1, OP.v128], // local decls: 2 × i32, 1 × v128
  OP.block, OP.void,
  ...get(N), OP.i32Eqz, OP.brIf, 0,
  OP.loop, OP.void, // one iteration per vector
  OP.simd, ...SIMD.v128Const, ...new Array(16).fill(0), ...set(ACC),
  ...get(V), ...get(DIM), OP.i32Add, ...set(END),
  ...get(Q), ...set(QP),
  OP.loop, OP.void, // 16 components per iteration
  ...get(ACC),
  ...get(V), OP.simd, ...SIMD.i16x8Load8x8S, ...mem(0),
  ...get(QP), OP.simd, ...SIMD.v128Load, ...mem(0),
  OP.simd, ...SIMD.i32x4DotI16x8S, OP.simd, ...SIMD.i32x4Add,
  ...get(V), OP.simd, ...SIMD.i16x8Load8x8S, ...mem(8),
  ...get(QP), OP.simd, ...SIMD.v128Load, ...mem(16),
  OP.simd, ...SIMD.i32x4DotI16x8S, OP.simd, ...SIMD.i32x4Add,
  ...set(ACC),
  ...addConst(V, 16),
  ...addConst(QP, 32),
  ...get(V), ...get(END), OP.i32LtU, OP.brIf, 0,
  OP.end,
  ...get(OUT),
  ...lane(0), ...lane(1), OP.i32Add, ...lane(2), OP.i32Add, ...lane(3), OP.i32Add,
  OP.i32Store, 2, 0, // align 2^2, offset 0
  ...addConst(OUT, 4),
  ...get(N), OP.i32Const, 1, OP.i32Sub, OP.localTee, N, OP.brIf, 0,
  OP.end,
  OP.end,
  OP.end, // function
];

const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  ...section(1, [1, 0x60, 5, OP.i32, OP.i32, OP.i32, OP.i32, OP.i32, 0]), // type 0: (i32 × 5) -> ()
  ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 1]), // import memory, min 1 page, no max
  ...section(3, [1, 0]), // func 0 has type 0
  ...section(7, [1, ...name('scan'), 0x00, 0]), // export func 0 as "scan"
  ...section(10, [1, ...withSize(body)]),
]);

export interface DotKernel {
  memory: WebAssembly.Memory;
  scan(vecPtr: number, queryPtr: number, dim: number, count: number, outPtr: number): void;
}

/** Dimensions the kernel handles (the loop takes 16 components at a time). */
export const kernelSupportsDim = (dim: number): boolean => dim % 16 === 0;

export function createDotKernel(initialPages: number): DotKernel | null {
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(MODULE)) return null;
  const memory = new WebAssembly.Memory({ initial: initialPages });
  // Synchronous compile is fine: the module is far below the 4 KiB main-thread limit.
  const instance = new WebAssembly.Instance(new WebAssembly.Module(MODULE), { env: { mem: memory } });
  return { memory, scan: instance.exports.scan as DotKernel['scan'] };
}
