"""Synthetic scene domain for CaptionKit's bundled model.

Modules:
    scene    -- the scene graph: shapes, colours, sizes, layout sampling, spatial relations
    render   -- drawing a scene graph into an anti-aliased 128 x 128 RGB image
    grammar  -- the caption grammar (five reference captions per scene)
    checker  -- parsing captions of that grammar and checking them against a scene graph
    dataset  -- Karpathy split JSON reading and writing
    bleu     -- corpus BLEU-4
    generate -- command line: write a dataset (PNG images + dataset.json)
    evaluate -- command line: caption held-out scenes with a bundle and score them

Run the command-line modules as scripts, e.g. `$PY tools/scenes/generate.py --help`.
"""
