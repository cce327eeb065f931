"""xtplay's tests, one folder per package, the shared fixtures in ``plugins/``.

Every folder is a package, so files in different folders may share a name (``web/test_guide.py``
and ``cli/test_guide.py``) under pytest's default import mode, and tests import the shared
helpers by their full name (``from tests.plugins.web import csrf_of``).
"""
