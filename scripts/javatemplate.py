"""The template language of scripts/templates/*.java.template, after the JDK's X-Vector.java.template.

Outside a block a template is copied as it stands. A block, between the lines
    #for[F32,F64]
    #end[for]
is written twice, for F32 then for F64, the two separated by a blank line. Inside a block:
  - $name$ stands for a word of the precision (the table PRECISIONS below);
  - lines between #if[F32] and #end[F32] (or #if[F64] .. #end[F64]) are written for that
    precision only, and an #else[F32] between them starts the lines for the other one.
Directive lines are dropped from the output; blank lines and indentation are kept as written.
"""
import re

# narrow: the cast that rounds a double expression (Math.sqrt's) to the element type; none for F64,
# where it would be a redundant cast (-Xlint warns). x: the lower-case precision (f32/f64);
# gemm: the BLAS name of the matrix product (sgemm/dgemm).
PRECISIONS = {
    'F32': {'X': 'F32', 'type': 'float', 'Type': 'Float', 'Vector': 'FloatVector', 'S': 'F', 'L': 'LF',
            'LAYOUT': 'JAVA_FLOAT', 'f': 'f', 'bytes': '4', 'narrow': '(float) ', 'x': 'f32', 'gemm': 'sgemm'},
    'F64': {'X': 'F64', 'type': 'double', 'Type': 'Double', 'Vector': 'DoubleVector', 'S': 'D', 'L': 'LD',
            'LAYOUT': 'JAVA_DOUBLE', 'f': 'd', 'bytes': '8', 'narrow': '', 'x': 'f64', 'gemm': 'dgemm'},
}
FOR = '#for[F32,F64]'
END_FOR = '#end[for]'
DIRECTIVE = re.compile(r'#(if|else|end)\[(F32|F64)\]')
PLACEHOLDER = re.compile(r'\$(\w+)\$')


class TemplateError(Exception):
    pass


def _instantiate(lines, prec, where):
    """One precision's text of a block's lines; where names the template for errors."""
    out = []
    keep = [True]  # one entry per open #if: are its current lines written?
    for n, line in lines:
        m = DIRECTIVE.fullmatch(line.strip())
        if m:
            kind, tag = m.groups()
            if kind == 'if':
                keep.append(keep[-1] and tag == prec)
            elif len(keep) == 1:
                raise TemplateError(f'{where}:{n}: #{kind}[{tag}] without #if')
            elif kind == 'else':
                keep[-1] = keep[-2] and tag != prec
            else:
                keep.pop()
            continue
        if keep[-1]:
            def word(p):
                if p.group(1) not in PRECISIONS[prec]:
                    raise TemplateError(f'{where}:{n}: unknown placeholder {p.group(0)}')
                return PRECISIONS[prec][p.group(1)]
            out.append(PLACEHOLDER.sub(word, line))
    if len(keep) != 1:
        raise TemplateError(f'{where}: #if not closed before {END_FOR}')
    return ''.join(out)


def render(text, where):
    """The Java source a template describes."""
    out = []
    block = None  # the lines of the open #for block, with their line numbers
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        s = line.strip()
        if s == FOR:
            if block is not None:
                raise TemplateError(f'{where}:{n}: nested {FOR}')
            block = []
        elif s == END_FOR:
            if block is None:
                raise TemplateError(f'{where}:{n}: {END_FOR} without {FOR}')
            out.append('\n'.join(_instantiate(block, p, where) for p in PRECISIONS))
            block = None
        elif block is not None:
            block.append((n, line))
        elif DIRECTIVE.fullmatch(s) or PLACEHOLDER.search(line):
            raise TemplateError(f'{where}:{n}: directive or placeholder outside {FOR}')
        else:
            out.append(line)
    if block is not None:
        raise TemplateError(f'{where}: {FOR} not closed')
    return ''.join(out)
