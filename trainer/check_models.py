"""Exit 0 when models/ holds a current version whose files match its manifest.

`python -m trainer.check_models` is how setup decides whether to export again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trainer.manifest import read_current_manifest, verify_files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=Path("models"))
    args = parser.parse_args(argv)
    try:
        manifest = read_current_manifest(args.models_dir)
    except (OSError, ValueError, KeyError) as err:
        print(f"no usable current model in {args.models_dir}: {err}", file=sys.stderr)
        return 1
    bad = verify_files(args.models_dir / manifest["version"], manifest)
    if bad:
        print(f"model {manifest['version']}: files missing or changed: {', '.join(bad)}", file=sys.stderr)
        return 1
    print(f"model {manifest['version']} is complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
