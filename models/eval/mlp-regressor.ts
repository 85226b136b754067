/**
 * A small multilayer perceptron for regression: one hidden layer of leaky-ReLU units, squared
 * error, mini-batches of 64 and Adam (Kingma & Ba 2015, their default β₁ 0.9, β₂ 0.999).
 * Seeded, so a run is repeatable. Inputs should be standardised; the output unit starts at the
 * target's mean so training does not spend its first epochs finding the offset.
 */

/** Size and training schedule of the network. */
export interface MlpOptions {
  hidden: number
  epochs: number
  learningRate: number
  seed: number
  /** Called after each epoch, for a progress bar. */
  onEpoch?: (epoch: number) => void
}

/** A trained network: predicts one number from a feature vector. */
export interface MlpRegressor {
  predict(x: ArrayLike<number>): number
}

const BATCH = 64
const LEAK = 0.01
const BETA1 = 0.9
const BETA2 = 0.999
const EPSILON = 1e-8

/** Trains on rows of `features` (n × width, row-major) against `targets` (n). */
export function trainMlp(
  features: Float64Array, targets: Float64Array, width: number, options: MlpOptions,
): MlpRegressor {
  const random = seeded(options.seed)
  const net = createNet(width, options.hidden, mean(targets), random)
  const adam = new Adam(net.params, options.learningRate)
  const order = Uint32Array.from({ length: targets.length }, (_, i) => i)

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random)
    for (let start = 0; start < order.length; start += BATCH) {
      const end = Math.min(order.length, start + BATCH)
      adam.zero()
      for (let k = start; k < end; k++) {
        const row = order[k] ?? 0
        net.backward(features.subarray(row * width, row * width + width), targets[row] ?? 0, end - start, adam.grads)
      }
      adam.step()
    }
    options.onEpoch?.(epoch + 1)
  }
  return { predict: (x) => net.forward(x) }
}

interface Net {
  params: Float64Array[]
  forward(x: ArrayLike<number>): number
  backward(x: ArrayLike<number>, target: number, batch: number, grads: Float64Array[]): void
}

/** Weights as [inputWeights (hidden × width), hiddenBias, outputWeights, outputBias]. */
function createNet(width: number, hidden: number, offset: number, random: () => number): Net {
  const w1 = Float64Array.from({ length: hidden * width }, () => (random() * 2 - 1) * Math.sqrt(6 / (width + hidden)))
  const b1 = new Float64Array(hidden)
  const w2 = Float64Array.from({ length: hidden }, () => (random() * 2 - 1) * Math.sqrt(6 / (hidden + 1)))
  const b2 = Float64Array.of(offset)
  const activation = new Float64Array(hidden)

  const forward = (x: ArrayLike<number>): number => {
    let out = b2[0] ?? 0
    for (let u = 0; u < hidden; u++) {
      let z = b1[u] ?? 0
      for (let q = 0; q < width; q++) z += (w1[u * width + q] ?? 0) * (x[q] ?? 0)
      const a = z > 0 ? z : LEAK * z
      activation[u] = a
      out += (w2[u] ?? 0) * a
    }
    return out
  }

  const backward = (x: ArrayLike<number>, target: number, batch: number, grads: Float64Array[]): void => {
    const [g1, gb1, g2, gb2] = grads as [Float64Array, Float64Array, Float64Array, Float64Array]
    const delta = (forward(x) - target) / batch
    gb2[0] = (gb2[0] ?? 0) + delta
    for (let u = 0; u < hidden; u++) {
      const a = activation[u] ?? 0
      g2[u] = (g2[u] ?? 0) + delta * a
      const back = delta * (w2[u] ?? 0) * (a > 0 ? 1 : LEAK)
      gb1[u] = (gb1[u] ?? 0) + back
      for (let q = 0; q < width; q++) g1[u * width + q] = (g1[u * width + q] ?? 0) + back * (x[q] ?? 0)
    }
  }
  return { params: [w1, b1, w2, b2], forward, backward }
}

class Adam {
  readonly grads: Float64Array[]
  readonly #params: Float64Array[]
  readonly #first: Float64Array[]
  readonly #second: Float64Array[]
  readonly #rate: number
  #steps = 0

  constructor(params: Float64Array[], rate: number) {
    this.#params = params
    this.#rate = rate
    this.grads = params.map((p) => new Float64Array(p.length))
    this.#first = params.map((p) => new Float64Array(p.length))
    this.#second = params.map((p) => new Float64Array(p.length))
  }

  zero(): void {
    for (const grad of this.grads) grad.fill(0)
  }

  step(): void {
    this.#steps++
    const firstCorrection = 1 - BETA1 ** this.#steps
    const secondCorrection = 1 - BETA2 ** this.#steps
    this.#params.forEach((param, p) => {
      const [grad, first, second] = [this.grads[p], this.#first[p], this.#second[p]]
      if (grad === undefined || first === undefined || second === undefined) return
      for (let i = 0; i < param.length; i++) {
        const g = grad[i] ?? 0
        first[i] = BETA1 * (first[i] ?? 0) + (1 - BETA1) * g
        second[i] = BETA2 * (second[i] ?? 0) + (1 - BETA2) * g * g
        const update = (first[i] ?? 0) / firstCorrection / (Math.sqrt((second[i] ?? 0) / secondCorrection) + EPSILON)
        param[i] = (param[i] ?? 0) - this.#rate * update
      }
    })
  }
}

/** Park–Miller style linear congruential generator: repeatable, good enough for initialisation. */
function seeded(seed: number): () => number {
  let state = (Math.abs(Math.floor(seed)) % 2_147_483_646) + 1
  return () => {
    state = (state * 48_271) % 2_147_483_647
    return state / 2_147_483_647
  }
}

function shuffle(order: Uint32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const swap = order[i] ?? 0
    order[i] = order[j] ?? 0
    order[j] = swap
  }
}

function mean(values: Float64Array): number {
  let total = 0
  for (const value of values) total += value
  return values.length === 0 ? 0 : total / values.length
}
