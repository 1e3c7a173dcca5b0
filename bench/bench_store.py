"""Store benchmark: ingest N forms (default 1,000) and time ~100 searches.

A thin wrapper over ``bench_all.py --only store`` (start-up, then the store section): the forms
(built-in corpus, varied; bench/synth.py) are written as drafter JSON files and ingested with
``drafter ingest`` into a temporary DRAFTER_HOME with the offline embedder, ingested again
unchanged, and searched in process (``search_store``) and once through ``drafter search``.
It used to call the ingest internals directly; going through the command keeps it measuring
whatever the ingest code is now.

    /work/venv/bin/python bench/bench_store.py [--forms 1000] [--queries 100] [--per-file 10]

Any other bench_all.py option is accepted too (--quick, --runs, --keep).
"""

from __future__ import annotations

import sys

from bench_all import main

if __name__ == "__main__":
    main(["--only", "store", *sys.argv[1:]])
