"""Reading inputs and writing outputs.

- `errors`: `Reject` (a record that could not be read or processed) and `UsageError` (exit 2);
- `compression`: sniffing by content, decompressing readers, compressing writers;
- `inputs`: discovery and readers (article files, JSONL, standard input), streamed in input order;
- `outputs`: one writer for every output path (checks before any work, atomic files, shards,
  special files written through, all outputs committed together);
- `parquet`: Parquet output through pyarrow (optional extra), imported only when used.
"""

from newscli.io.compression import COMPRESSED_SUFFIXES, open_decompressed, sniff_compression
from newscli.io.errors import Reject, UsageError
from newscli.io.inputs import (DIRECTORY_SUFFIXES, JSONL_SUFFIXES, MAX_ARTICLE_BYTES, STDIN, STDIN_NAME, InputInfo,
                               RawLine, expand_inputs, is_input_name, parse_line, peek_stdin_is_jsonl, read_inputs,
                               read_one, read_text_lines)
from newscli.io.outputs import (STDOUT, AtomicFile, OutputSet, Sink, Target, check_output_path, output_format,
                               plan_outputs, same_file, shard_name, write_reject)

__all__ = [
    "COMPRESSED_SUFFIXES", "DIRECTORY_SUFFIXES", "JSONL_SUFFIXES", "MAX_ARTICLE_BYTES", "STDIN", "STDIN_NAME",
    "STDOUT", "AtomicFile", "InputInfo", "OutputSet", "RawLine", "Reject", "Sink", "Target", "UsageError",
    "check_output_path", "output_format", "plan_outputs", "write_reject",
    "expand_inputs", "is_input_name", "open_decompressed", "parse_line", "peek_stdin_is_jsonl", "read_inputs",
    "read_one", "read_text_lines", "same_file", "shard_name", "sniff_compression",
]
