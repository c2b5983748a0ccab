import time, tests.reliability.test_kill as k
for name in ("_seed", "_run_door"):
    orig = getattr(k, name)
    def wrap(*a, _o=orig, _n=name, **kw):
        t=time.monotonic(); r=_o(*a, **kw); print(f"\n{_n}: {time.monotonic()-t:.1f}s"); return r
    setattr(k, name, wrap)
orig_start = k.Server.start
def start(self):
    t=time.monotonic(); orig_start(self); print(f"\nstart: {time.monotonic()-t:.1f}s")
k.Server.start = start
