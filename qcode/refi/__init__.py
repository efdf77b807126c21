"""REFI-QDA exchange: projects (.qdpx) and codebooks (.qdc) to and from ATLAS.ti, MAXQDA, NVivo, QualCoder.

`container` opens a .qdpx safely, `xml` parses its XML without entities, `offsets` works out how a
tool counted characters, `codebook` reads and writes codes, `export` writes a project, `load` reads one.
"""
