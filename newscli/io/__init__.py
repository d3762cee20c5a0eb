"""Reading inputs and writing outputs.

- `errors`: `Reject` (a record that could not be read or processed) and `UsageError` (exit 2);
- `compression`: sniffing by content, decompressing readers, compressing writers;
- `discovery`: the paths a run reads (directories, links, `--files-from`);
- `inputs`: the readers (article files, JSONL, web pages, standard input), in input order; `jsonl`:
  one JSONL line to a record (numbers kept exact); `web`: HTML and WARC readers;
- `targets`: what each output path is, and every check of the outputs before any work;
- `outputs`: one writer for every output path (atomic files, shards, special files written
  through, all outputs committed together);
- `parquet`: Parquet output through pyarrow (optional extra), imported only when used.
"""

from newscli.io.compression import COMPRESSED_SUFFIXES, open_decompressed, sniff_compression
from newscli.io.errors import PartError, Reject, UsageError
from newscli.io.discovery import DIRECTORY_SUFFIXES, JSONL_SUFFIXES, STDIN, STDIN_NAME, expand_inputs, is_input_name
from newscli.io.inputs import MAX_ARTICLE_BYTES, InputInfo, peek_stdin_is_jsonl, read_inputs, read_one, read_text_lines
from newscli.io.jsonl import RawBlock, RawLine, parse_line, raw_lines
from newscli.io.outputs import AtomicFile, LinesFile, OutputSet, Sink, write_reject
from newscli.io.targets import (STDOUT, Target, check_output_path, output_format, plan_outputs, same_file,
                                shard_name)

__all__ = [
    "COMPRESSED_SUFFIXES", "DIRECTORY_SUFFIXES", "JSONL_SUFFIXES", "MAX_ARTICLE_BYTES", "STDIN", "STDIN_NAME",
    "STDOUT", "AtomicFile", "InputInfo", "LinesFile", "OutputSet", "PartError", "RawBlock", "RawLine", "Reject", "Sink", "Target", "UsageError",
    "check_output_path", "output_format", "plan_outputs", "write_reject",
    "expand_inputs", "is_input_name", "open_decompressed", "parse_line", "peek_stdin_is_jsonl", "raw_lines", "read_inputs",
    "read_one", "read_text_lines", "same_file", "shard_name", "sniff_compression",
]
