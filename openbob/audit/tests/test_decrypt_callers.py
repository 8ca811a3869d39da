"""Only `openbob.audit.reveal` turns consumer PII back into plaintext (D1).

Every reveal writes an audit row, so "every PII read is audited" holds only while no
other module can decrypt. This walks the syntax tree of every module under openbob/
(tests excluded) and fails on any use of a `decrypt` attribute or name, a
`getattr(..., "decrypt")`, or an import of a cipher from `cryptography`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import openbob

ROOT = Path(openbob.__file__).parent
ALLOWED = {
    "openbob/lib/crypto.py": "defines the primitive",
    "openbob/audit/reveal.py": "the one audited way back to consumer PII",
    "openbob/accounts/mfa.py": "TOTP seeds, not consumer PII",
    "openbob/book/keys.py": "key rotation",
}


def decrypt_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for every way `source` reaches for the decrypt primitive."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "decrypt":
            found.append((node.lineno, ".decrypt"))
        elif isinstance(node, ast.Name) and node.id == "decrypt":
            found.append((node.lineno, "decrypt"))
        elif isinstance(node, ast.Call) and _is_getattr_decrypt(node):
            found.append((node.lineno, 'getattr(..., "decrypt")'))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            found.extend((node.lineno, name) for name in _forbidden_imports(node))
    return found


def _is_getattr_decrypt(call: ast.Call) -> bool:
    return (
        isinstance(call.func, ast.Name)
        and call.func.id == "getattr"
        and any(isinstance(a, ast.Constant) and a.value == "decrypt" for a in call.args)
    )


def _forbidden_imports(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "cryptography"]
    module = node.module or ""
    if module.split(".")[0] == "cryptography":
        return [f"from {module} import ..."]
    return [f"from {module} import {a.name}" for a in node.names if a.name == "decrypt"]


def _modules() -> list[Path]:
    return [path for path in ROOT.rglob("*.py") if "tests" not in path.relative_to(ROOT).parts]


def test_nothing_but_the_allowed_modules_reaches_for_decrypt() -> None:
    offenders = {}
    for path in _modules():
        name = path.relative_to(ROOT.parent).as_posix()
        uses = decrypt_uses(path.read_text())
        if uses and name not in ALLOWED:
            offenders[name] = uses
    assert offenders == {}


def test_the_walk_covers_the_whole_package() -> None:
    names = {path.relative_to(ROOT.parent).as_posix() for path in _modules()}
    assert {"openbob/audit/reveal.py", "openbob/book/pii.py", "openbob/portal/views.py"} <= names
    assert not any("/tests/" in name for name in names)


def test_the_checker_sees_every_way_of_reaching_the_primitive() -> None:
    source = """
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
import cryptography.fernet
from openbob.lib.crypto import decrypt
ring.decrypt(token)
opener = ring.decrypt
getattr(ring, "decrypt")(token)
"""
    assert sorted(line for line, _ in decrypt_uses(source)) == [2, 3, 4, 5, 6, 7]


def test_the_checker_leaves_encryption_and_rotation_alone() -> None:
    source = """
from openbob.lib.crypto import KeyRing, blind_index
from openbob.book.pii import encrypt_text, keyring
keyring().encrypt("x"); keyring().rotate(token); keyring().needs_rotation(token)
"""
    assert decrypt_uses(source) == []
