"""Reads `terraform graph -type=plan` (DOT) and fails if any aws_lambda_function depends,
directly or through anything else, on an AppFlow resource (a flow or the connector profile).
AppFlow validates credentials and Salesforce objects when a flow is created, so whatever
depends on a flow waits for Salesforce; connect-lookup and the rest must not."""

import re
import sys

EDGE = re.compile(r'"([^"]+)"\s*->\s*"([^"]+)"')


def node(name: str) -> str:
    name = name.replace("[root] ", "")
    return re.sub(r"\s*\((expand|close)\)$", "", name).strip()


def main(path: str) -> int:
    deps: dict[str, set[str]] = {}
    for a, b in EDGE.findall(open(path, encoding="utf-8").read()):
        deps.setdefault(node(a), set()).add(node(b))
    nodes = set(deps) | {d for ds in deps.values() for d in ds}
    functions = sorted(n for n in nodes if ".aws_lambda_function." in n)
    appflow = sorted(n for n in nodes if ".aws_appflow_" in n)
    if not functions or not appflow:
        print(f"dependencies: graph has no functions ({functions}) or no AppFlow resources ({appflow})")
        return 1
    failed = 0
    for f in functions:
        seen, todo = set(), [f]
        while todo:
            for d in deps.get(todo.pop(), ()):
                if d not in seen:
                    seen.add(d)
                    todo.append(d)
        bad = sorted(d for d in seen if ".aws_appflow_" in d)
        if bad:
            failed += 1
            print(f"dependencies: {f} depends on {', '.join(bad)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
