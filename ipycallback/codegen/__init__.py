"""Code generation for typed tunnels: a declaration (Python, JSON Schema or TypeScript) is read
into the internal form of docs/internal-form.md (`ir.load_declaration`), from which Python and
TypeScript modules are generated."""
