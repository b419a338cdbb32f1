"""kill -9 of the receiver, then of the sender, while 2,000 messages flow:
every message arrives exactly once, in order, with a receipt."""
import os
import random
import time

from parley_e2e import SLOW, ckpt_size, log_size, peek, send_req, wait_for

N = 2000


def inbox_count(node):
    return peek(node, "select count(*) from inbox where status = 200")


def chaos_pause(rng):
    """How long to let messages flow before the next kill: a random moment,
    not a synchronisation point."""
    time.sleep(rng.uniform(0.005, 0.05) * SLOW)


def test_kill9_receiver_then_sender_while_2000_flow(make_node):
    seed = int(os.environ.get("PARLEY_CHAOS_SEED", random.randrange(1 << 30)))
    print(f"chaos seed {seed} (set PARLEY_CHAOS_SEED to replay)")
    rng = random.Random(seed)
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    b.pin(a)
    a.start()
    # Queue everything while bravo is down: each "queued" answer is a promise.
    ids = []
    for start in range(0, N, 500):
        answers = a.api([send_req("bravo", i, link="cert", body=f"indicator {i}")
                         for i in range(start, start + 500)])
        assert all(x["ok"] and x["state"] == "queued" for x in answers)
        ids += [x["id"] for x in answers]
    seen = []
    for _ in range(3):                      # the receiver dies mid-flow
        b.start()
        chaos_pause(rng)
        b.kill9()
        seen.append(inbox_count(b))
    b.start()
    for _ in range(3):                      # then the sender dies mid-flow
        chaos_pause(rng)
        a.kill9()
        seen.append(inbox_count(b))
        a.start()
    print(f"inbox counts at each kill: {seen}")
    wait_for(lambda: inbox_count(b) == N, 120, f"all {N} messages at bravo")
    wait_for(lambda: all(m["state"] == "delivered" for m in a.outbox()), 60,
             "every receipt stored at alpha")
    inb = b.inbox()
    assert len(inb) == N
    assert [m["id"] for m in inb] == ids                       # exactly once, in order
    assert [m["seq"] for m in inb] == list(range(1, N + 1))
    for mid in rng.sample(ids, 20):
        r = a.json("receipt", mid)
        assert r["msg"] == mid and r["signature_valid"] is True
    # Whatever the kills cut short, each log ends signed to its end, intact.
    for n in (a, b):
        wait_for(lambda n=n: ckpt_size(n) == log_size(n), 20, f"{n.name}'s last checkpoint")
        assert n.cli("log", "verify").returncode == 0


def test_kill9_sender_while_queueing(make_node):
    """Every id that got a "queued" answer before the crash arrives exactly once."""
    rng = random.Random(7)
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    b.pin(a)
    a.start()
    b.start()
    acked = []
    for round_ in range(3):
        import socket, json
        s = socket.socket(socket.AF_UNIX)
        s.connect(os.path.join(a.dir, "parleyd.sock"))
        s.sendall("".join(json.dumps(send_req("bravo", i, link="cert")) + "\n"
                          for i in range(300)).encode())
        f = s.makefile("r")
        got = 0
        kill_after = rng.randrange(1, 300)
        for line in f:
            x = json.loads(line)
            if x.get("ok"):
                acked.append(x["id"])
            got += 1
            if got == kill_after:
                a.kill9()
                break
        s.close()
        a.start()
    wait_for(lambda: set(acked) <= {m["id"] for m in b.inbox()}, 60,
             "every acknowledged message at bravo")
    ids = [m["id"] for m in b.inbox()]
    assert len(ids) == len(set(ids))
    assert [m["seq"] for m in b.inbox()] == list(range(1, len(ids) + 1))
