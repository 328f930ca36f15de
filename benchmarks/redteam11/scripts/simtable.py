"""P(overlap O | s shared tokens) for two filters of m=512 bits, k=6 positions per token,
values of Na, Nb tokens (16 or 32 with padding), by simulation (no key needed)."""
import numpy as np
def table(m=512, k=6, trials=20000, Ns=(16, 32), smax=24, seed=1):
    rng = np.random.default_rng(seed)
    T = {}
    for Na in Ns:
        for Nb in Ns:
            for s in range(0, min(Na, Nb, smax) + 1):
                H = np.zeros(m + 1)
                A = rng.integers(0, m, size=(trials, Na * k))
                B = rng.integers(0, m, size=(trials, Nb * k))
                B[:, :s * k] = A[:, :s * k]
                fa = np.zeros((trials, m), bool); fb = np.zeros((trials, m), bool)
                np.put_along_axis(fa, A, True, 1); np.put_along_axis(fb, B, True, 1)
                O = (fa & fb).sum(1)
                H += np.bincount(O, minlength=m + 1)[:m + 1]
                H = (H + 0.05) / (H.sum() + 0.05 * (m + 1))
                T[(Na, Nb, s)] = np.log(H)
    return T
if __name__ == '__main__':
    import pickle, sys
    T = table(m=int(sys.argv[2]) if len(sys.argv) > 2 else 512)
    pickle.dump(T, open(sys.argv[1], 'wb'))
    for s in range(5):
        p = np.exp(T[(16, 16, s)]); mu = (p * np.arange(len(p))).sum(); print(s, round(mu, 1), round(np.sqrt((p * (np.arange(len(p)) - mu) ** 2).sum()), 2))
