#!/usr/bin/python3
"""Train the tiny fortune model that apps/llm runs, and check it.

    python3 apps/llm/train.py train [--out DIR] [--steps N]
    python3 apps/llm/train.py reference CHECKPOINT TOKENIZER [-n STEPS] [-i PROMPT]
                                        [--tokens FILE] [--text FILE]
    python3 apps/llm/train.py encode TOKENIZER TEXT

train: reads the plain-text fortune files of Debian's `fortunes` package
(/usr/share/games/fortunes), trains a small byte-fallback BPE tokenizer on
them, then a small Llama-architecture model (RMSNorm, rotary embeddings on
adjacent pairs, grouped key/value heads, SwiGLU, tied classifier), with a
fixed seed on one thread, and writes DIR/model.bin (the 7-int header and
fp32 weights), DIR/model.q80.bin (the int8 "version 2" layout: 256-byte
header, fp32 norms, then per tensor int8 values and fp32 group scales) and
DIR/tokenizer.bin.

reference: reads CHECKPOINT and TOKENIZER back (not the training state), runs
the same network in PyTorch at temperature 0 and prints the token ids the C
engine must produce, one a line, each generated one with the margin between
the best and second-best logit (so a near-tie would be visible); --tokens
and --text write the ids (BOS first) and the text the engine prints.

encode: prints the token ids of TEXT, as the C engine encodes a prompt.

Needs Debian's python3-torch and fortunes packages (not needed by make test).
"""

import argparse
import glob
import heapq
import math
import os
import re
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

FORTUNES = "/usr/share/games/fortunes"
BOS, EOS = 1, 2
NBYTES = 256
FIRST_BYTE = 3  # token 3 + b is the raw byte b

# ---------------------------------------------------------------- corpus


def load_corpus():
    """Every fortune of the plain files, as printable ASCII with newlines."""
    names = sorted(p for p in glob.glob(os.path.join(FORTUNES, "*"))
                   if not p.endswith((".dat", ".u8")) and os.path.isfile(p)
                   and not os.path.islink(p))
    names = [p for p in names if os.path.basename(p) != "ascii-art"]
    if not names:
        sys.exit("train.py: no fortune files in %s (apt-get install fortunes)" % FORTUNES)
    fortunes = []
    for p in names:
        raw = open(p, "rb").read().decode("latin-1")
        raw = re.sub(".\x08", "", raw)  # overstrike: keep the last character
        raw = raw.replace("\t", "    ")
        raw = "".join(c for c in raw if c == "\n" or " " <= c <= "~")
        for f in re.split(r"\n%\n", raw):
            f = f.strip("\n% ")
            lines = [ln.rstrip() for ln in f.split("\n")]
            f = "\n".join(lines).strip()
            if 8 <= len(f) <= 600:
                fortunes.append(f)
    return fortunes

# ------------------------------------------------------------- tokenizer


class Tokenizer:
    """The vocabulary as tokenizer.bin stores it: strings and scores."""

    def __init__(self, pieces, scores):
        self.pieces = pieces  # list of bytes
        self.scores = scores
        self.lookup = {p: i for i, p in enumerate(pieces)}

    def encode(self, text, bos=True):
        """Characters (or their bytes), then merge the adjacent pair whose
        joined string scores highest, the leftmost first, until none is in
        the vocabulary. A non-empty text gets a leading space token."""
        ids = [BOS] if bos else []
        if not text:
            return ids
        sym = [self.lookup[b" "]]
        for ch in text:
            b = ch.encode("utf-8")
            if b in self.lookup:
                sym.append(self.lookup[b])
            else:
                sym.extend(FIRST_BYTE + x for x in b)
        n = len(sym)
        nxt = list(range(1, n + 1))
        prv = list(range(-1, n - 1))
        alive = [True] * n
        heap = []

        def push(i):
            j = nxt[i]
            if j < n:
                t = self.lookup.get(self.pieces[sym[i]] + self.pieces[sym[j]])
                if t is not None:
                    heapq.heappush(heap, (-self.scores[t], i, sym[i], sym[j], t))

        for i in range(n - 1):
            push(i)
        while heap:
            _, i, a, b, t = heapq.heappop(heap)
            j = nxt[i] if alive[i] else n
            if j >= n or sym[i] != a or sym[j] != b:
                continue  # stale: one side merged since
            sym[i] = t
            alive[j] = False
            nxt[i] = nxt[j]
            if nxt[j] < n:
                prv[nxt[j]] = i
            if prv[i] >= 0:
                push(prv[i])
            push(i)
        i, out = 0, []
        while i < n:
            out.append(sym[i])
            i = nxt[i]
        return ids + out

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("i", max(len(p) for p in self.pieces)))
            for p, s in zip(self.pieces, self.scores):
                f.write(struct.pack("fi", s, len(p)))
                f.write(p)

    @staticmethod
    def read(path):
        data = open(path, "rb").read()
        pieces, scores, off = [], [], 4
        while off < len(data):
            s, n = struct.unpack_from("fi", data, off)
            pieces.append(data[off + 8:off + 8 + n])
            scores.append(s)
            off += 8 + n
        return Tokenizer(pieces, scores)


def train_tokenizer(fortunes, vocab_size):
    """Byte-pair merges learned within word-like chunks, scored by rank."""
    pieces = [b"<unk>", b"\n<s>\n", b"\n</s>\n"]
    pieces += [b"<0x%02X>" % b for b in range(NBYTES)]
    chars = sorted(set("".join(fortunes)) | {" "})
    pieces += [c.encode() for c in chars]
    scores = [0.0] * len(pieces)
    chunk_re = re.compile(r" ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+")
    counts = {}
    for f in fortunes:
        for w in chunk_re.findall(" " + f):
            counts[w] = counts.get(w, 0) + 1
    words = [[c.encode() for c in w] for w in counts]
    freq = list(counts.values())
    pairs, where = {}, {}
    for k, w in enumerate(words):
        for a, b in zip(w, w[1:]):
            pairs[(a, b)] = pairs.get((a, b), 0) + freq[k]
            where.setdefault((a, b), set()).add(k)
    known = set(pieces)
    rank = 0
    while len(pieces) < vocab_size and pairs:
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        if pairs[best] < 2:
            break
        new = best[0] + best[1]
        for k in list(where.get(best, ())):
            w = words[k]
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] -= freq[k]
                where[(a, b)].discard(k)
            i, out = 0, []
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(new)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            words[k] = out
            for a, b in zip(out, out[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + freq[k]
                where.setdefault((a, b), set()).add(k)
        pairs = {p: c for p, c in pairs.items() if c > 0}
        if new in known:
            continue
        known.add(new)
        rank += 1
        pieces.append(new)
        scores.append(-float(rank))
    tok = Tokenizer(pieces, scores)
    # The engine merges any two tokens whose joined string is a token: only
    # learned merges may be such strings (never a special or byte token).
    first_merge = len(pieces) - rank
    for a in pieces:
        for b in pieces:
            t = tok.lookup.get(a + b)
            assert t is None or t >= first_merge, (a, b)
    return tok

# ----------------------------------------------------------------- model


class Config:
    def __init__(self, dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len):
        self.dim, self.hidden_dim, self.n_layers = dim, hidden_dim, n_layers
        self.n_heads, self.n_kv_heads = n_heads, n_kv_heads
        self.vocab_size, self.seq_len = vocab_size, seq_len


def rope_tables(head_size, seq_len):
    freq = 1.0 / (10000.0 ** (torch.arange(0, head_size, 2).float() / head_size))
    ang = torch.outer(torch.arange(seq_len).float(), freq)
    return torch.cos(ang), torch.sin(ang)


def rotate(x, cos, sin):
    # x: (B, T, H, hs); adjacent pairs (x[2i], x[2i+1]) rotate by position * freq[i]
    xr, xi = x.float().reshape(*x.shape[:-1], -1, 2).unbind(-1)
    c = cos[None, :, None, :]
    s = sin[None, :, None, :]
    return torch.stack((xr * c - xi * s, xr * s + xi * c), dim=-1).flatten(3)


class RMSNorm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        hs = c.dim // c.n_heads
        self.c, self.hs = c, hs
        self.attention_norm = RMSNorm(c.dim)
        self.wq = nn.Linear(c.dim, c.n_heads * hs, bias=False)
        self.wk = nn.Linear(c.dim, c.n_kv_heads * hs, bias=False)
        self.wv = nn.Linear(c.dim, c.n_kv_heads * hs, bias=False)
        self.wo = nn.Linear(c.n_heads * hs, c.dim, bias=False)
        self.ffn_norm = RMSNorm(c.dim)
        self.w1 = nn.Linear(c.dim, c.hidden_dim, bias=False)
        self.w2 = nn.Linear(c.hidden_dim, c.dim, bias=False)
        self.w3 = nn.Linear(c.dim, c.hidden_dim, bias=False)

    def forward(self, x, cos, sin):
        c, hs = self.c, self.hs
        B, T, _ = x.shape
        h = self.attention_norm(x)
        q = rotate(self.wq(h).view(B, T, c.n_heads, hs), cos, sin)
        k = rotate(self.wk(h).view(B, T, c.n_kv_heads, hs), cos, sin)
        v = self.wv(h).view(B, T, c.n_kv_heads, hs)
        rep = c.n_heads // c.n_kv_heads
        k = k.repeat_interleave(rep, dim=2)
        v = v.repeat_interleave(rep, dim=2)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)
        mask = torch.full((T, T), float("-inf")).triu(1)
        att = F.softmax(att + mask, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, -1)
        x = x + self.wo(y)
        h = self.ffn_norm(x)
        return x + self.w2(F.silu(self.w1(h)) * self.w3(h))


class Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.tok_embeddings = nn.Embedding(c.vocab_size, c.dim)
        self.layers = nn.ModuleList(Block(c) for _ in range(c.n_layers))
        self.norm = RMSNorm(c.dim)
        self.output = nn.Linear(c.dim, c.vocab_size, bias=False)
        self.output.weight = self.tok_embeddings.weight  # tied
        cos, sin = rope_tables(c.dim // c.n_heads, c.seq_len)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02
                if name.endswith(("wo.weight", "w2.weight")):
                    std = 0.02 / math.sqrt(2 * c.n_layers)
                nn.init.normal_(p, 0.0, std)

    def forward(self, idx):
        T = idx.shape[1]
        x = self.tok_embeddings(idx)
        for layer in self.layers:
            x = layer(x, self.cos[:T], self.sin[:T])
        return self.output(self.norm(x))

    def n_params(self):
        return sum(p.numel() for p in self.parameters())

# ---------------------------------------------------------------- export


def tensors_v0(m):
    """The fp32 checkpoint's order after the header."""
    L = m.layers
    out = [m.tok_embeddings.weight]
    for name in ("attention_norm", "wq", "wk", "wv", "wo", "ffn_norm", "w1", "w2", "w3"):
        out += [getattr(l, name).weight for l in L]
    out.append(m.norm.weight)
    return out


def write_fp32(f, t):
    f.write(t.detach().contiguous().view(-1).float().numpy().tobytes())


def export_fp32(m, path):
    c = m.c
    with open(path, "wb") as f:
        f.write(struct.pack("7i", c.dim, c.hidden_dim, c.n_layers, c.n_heads,
                            c.n_kv_heads, c.vocab_size, c.seq_len))
        for t in tensors_v0(m):
            write_fp32(f, t)
        # the format's unused rotary tables (real, imaginary), seq_len x head_size/2 each
        write_fp32(f, m.cos)
        write_fp32(f, m.sin)


def export_q80(m, path, group=64):
    c = m.c
    while c.dim % group:
        group //= 2
    with open(path, "wb") as f:
        head = struct.pack("<Ii7iBi", 0x616B3432, 2, c.dim, c.hidden_dim, c.n_layers,
                           c.n_heads, c.n_kv_heads, c.vocab_size, c.seq_len, 1, group)
        f.write(head + b"\0" * (256 - len(head)))
        for l in m.layers:
            write_fp32(f, l.attention_norm.weight)
        for l in m.layers:
            write_fp32(f, l.ffn_norm.weight)
        write_fp32(f, m.norm.weight)
        mats = [m.tok_embeddings.weight]
        for name in ("wq", "wk", "wv", "wo", "w1", "w2", "w3"):
            mats += [getattr(l, name).weight for l in m.layers]
        for w in mats:
            g = w.detach().float().reshape(-1, group)
            scale = g.abs().max(dim=1).values / 127.0
            q = torch.round(g / scale.clamp(min=1e-30)[:, None]).to(torch.int8)
            f.write(q.numpy().tobytes())
            f.write(scale.numpy().astype("<f4").tobytes())


def load_fp32(path):
    """A checkpoint read back from its file, into the PyTorch network."""
    data = open(path, "rb").read()
    dim, hidden, nl, nh, nkv, vocab, seq = struct.unpack_from("7i", data, 0)
    shared = vocab > 0
    c = Config(dim, hidden, nl, nh, nkv, abs(vocab), seq)
    m = Model(c)
    if not shared:
        m.output = nn.Linear(dim, c.vocab_size, bias=False)
    off = 28
    for t in tensors_v0(m):
        n = t.numel()
        t.data.copy_(torch.frombuffer(bytearray(data[off:off + 4 * n]), dtype=torch.float32).view(t.shape))
        off += 4 * n
    off += 4 * seq * (dim // nh)  # rotary tables
    if not shared:
        t = m.output.weight
        t.data.copy_(torch.frombuffer(bytearray(data[off:off + 4 * t.numel()]), dtype=torch.float32).view(t.shape))
    return m

# ----------------------------------------------------------------- train


def train(args):
    torch.manual_seed(1234)
    torch.set_num_threads(1)
    t0 = time.time()
    fortunes = load_corpus()
    # a fixed shuffle: the seed decides which fortunes are held out
    g = torch.Generator().manual_seed(1234)
    order = torch.randperm(len(fortunes), generator=g).tolist()
    fortunes = [fortunes[i] for i in order]
    tok = train_tokenizer(fortunes, args.vocab)
    ids = []
    for f in fortunes:
        ids += tok.encode(f)
    ids = torch.tensor(ids, dtype=torch.long)
    nval = len(ids) // 50
    val, trn = ids[:nval], ids[nval:]
    chars = sum(len(f) for f in fortunes)
    print("corpus: %d fortunes, %d characters, %d tokens (%.2f chars/token), vocab %d; %.0f s"
          % (len(fortunes), chars, len(ids), chars / len(ids), len(tok.pieces), time.time() - t0),
          flush=True)
    c = Config(args.dim, args.hidden, args.layers, args.heads, args.kv_heads, len(tok.pieces), args.seq)
    m = Model(c)
    print("model: %d parameters" % m.n_params(), flush=True)
    opt = torch.optim.AdamW(m.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    T, B = args.seq, args.batch

    def batch(src):
        ix = torch.randint(len(src) - T - 1, (B,))
        x = torch.stack([src[i:i + T] for i in ix])
        y = torch.stack([src[i + 1:i + T + 1] for i in ix])
        return x, y

    t1 = time.time()
    warm = max(1, args.steps // 20)
    for step in range(args.steps + 1):
        lr = args.lr * min(1.0, (step + 1) / warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / args.steps)))
        for pg in opt.param_groups:
            pg["lr"] = lr
        if step % 100 == 0 or step == args.steps:
            m.eval()
            with torch.no_grad():
                xv, yv = batch(val)
                vl = F.cross_entropy(m(xv).view(-1, c.vocab_size), yv.view(-1)).item()
            m.train()
            print("step %5d  val loss %.3f  lr %.5f  %.0f s" % (step, vl, lr, time.time() - t1), flush=True)
        if step == args.steps:
            break
        x, y = batch(trn)
        loss = F.cross_entropy(m(x).view(-1, c.vocab_size), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
    os.makedirs(args.out, exist_ok=True)
    m.eval()
    export_fp32(m, os.path.join(args.out, "model.bin"))
    export_q80(m, os.path.join(args.out, "model.q80.bin"))
    tok.write(os.path.join(args.out, "tokenizer.bin"))
    print("wrote %s/{model.bin,model.q80.bin,tokenizer.bin}; training %.0f s, all %.0f s"
          % (args.out, time.time() - t1, time.time() - t0))

# ------------------------------------------------------------- reference


def piece_text(tok, prev, token):
    """What the engine prints for token after prev (see llm_print_piece)."""
    p = tok.pieces[token]
    if prev == BOS and p.startswith(b" "):
        p = p[1:]
    m = re.fullmatch(rb"<0x([0-9A-Fa-f]{2})>", p)
    if m:
        p = bytes([int(m.group(1), 16)])
    p = p.split(b"\0")[0]
    if len(p) == 1 and not (0x20 <= p[0] <= 0x7E or p[0] in b" \t\n\v\f\r"):
        return b""
    return p


@torch.no_grad()
def reference(args):
    """Greedy generation as the engine does it: the prompt's tokens forced,
    then the most likely token (the first of equals), until STEPS positions
    or a BOS. The whole sequence is recomputed at each step, without a
    cache: another order of the same arithmetic."""
    torch.set_num_threads(1)
    m = load_fp32(args.checkpoint)
    m.eval()
    tok = Tokenizer.read(args.tokenizer)
    tok.pieces = tok.pieces[:m.c.vocab_size]
    tok.scores = tok.scores[:m.c.vocab_size]
    tok.lookup = {p: i for i, p in enumerate(tok.pieces)}
    prompt = tok.encode(args.prompt)
    steps = min(args.steps, m.c.seq_len) if args.steps > 0 else m.c.seq_len
    seq = [prompt[0]]
    text = b""
    pos = 0
    while pos < steps:
        logits = m(torch.tensor([seq]))[0, -1]
        if pos + 1 < len(prompt):
            nxt, margin = prompt[pos + 1], None
        else:
            top = torch.topk(logits, 2)
            nxt, margin = int(top.indices[0]), float(top.values[0] - top.values[1])
        pos += 1
        if nxt == BOS:
            break
        text += piece_text(tok, seq[-1], nxt)
        seq.append(nxt)
        print(nxt if margin is None else "%d (margin over the second-best logit %.6f)" % (nxt, margin))
    if args.tokens:
        with open(args.tokens, "w") as f:
            f.write("".join("%d\n" % t for t in seq))
    if args.text:
        with open(args.text, "wb") as f:
            f.write(text + b"\n")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "model"))
    t.add_argument("--steps", type=int, default=800)
    t.add_argument("--vocab", type=int, default=1024)
    t.add_argument("--dim", type=int, default=128)
    t.add_argument("--hidden", type=int, default=384)
    t.add_argument("--layers", type=int, default=4)
    t.add_argument("--heads", type=int, default=4)
    t.add_argument("--kv-heads", type=int, default=2)
    t.add_argument("--seq", type=int, default=256)
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--lr", type=float, default=2e-3)
    r = sub.add_parser("reference")
    r.add_argument("checkpoint")
    r.add_argument("tokenizer")
    r.add_argument("-n", dest="steps", type=int, default=256)
    r.add_argument("-i", dest="prompt", default="")
    r.add_argument("--tokens", help="write the token ids here, BOS first, one a line")
    r.add_argument("--text", help="write the text the engine prints here")
    e = sub.add_parser("encode")
    e.add_argument("tokenizer")
    e.add_argument("text")
    args = ap.parse_args()
    if args.cmd == "train":
        train(args)
    elif args.cmd == "reference":
        reference(args)
    else:
        tok = Tokenizer.read(args.tokenizer)
        print(" ".join(map(str, tok.encode(args.text))))


if __name__ == "__main__":
    main()
