"""The kit's modules import each other in one direction only: no module reaches, directly
or through others, back to itself (a lazy import inside a function counts too)."""

import ast
import os
import unittest

KIT = os.path.join(os.path.dirname(__file__), "..", "preflight_policy")


def imports(path: str) -> set[str]:
    """The kit modules that the module at ``path`` imports, anywhere in its body."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                out.add(node.module.split(".")[0])
            else:
                out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("preflight_policy."):
            out.add(node.module.split(".")[1])
    return out


class ImportGraphTest(unittest.TestCase):
    def test_no_module_imports_itself_through_others(self):
        modules = {
            name[:-3]: imports(os.path.join(KIT, name))
            for name in sorted(os.listdir(KIT))
            if name.endswith(".py") and name != "__init__.py"
        }
        self.assertIn("policy", modules)

        def reaches(start: str, path: list[str]) -> None:
            for nxt in sorted(modules.get(path[-1], ())):
                if nxt == start:
                    self.fail("import circle: " + " -> ".join(path + [nxt]))
                if nxt not in path:
                    reaches(start, path + [nxt])

        for name in modules:
            reaches(name, [name])


if __name__ == "__main__":
    unittest.main()
