"""PyTorch reference tools for CaptionKit's show-attend-tell/1 bundles.

Run scripts from the repository root with the tools venv, e.g.
    export CAPTIONKIT_TOOLS_VENV=/path/to/venv   # optional
    PY=$(scripts/tools-venv) && "$PY" tools/make_model_fixtures.py
Scripts under tools/ import this package as `sat` (tools/ is on sys.path when a script there runs).

Modules: config (config.json), vocab (vocab.json), model (ShowAttendTell), beam_search,
bundle (save/load), preprocess (image -> normalised tensor).
"""
