"""Reading inputs and writing outputs.

- `errors`: `Reject` (a record that could not be read or processed) and `UsageError` (exit 2);
- `compression`: sniffing by content, decompressing readers, compressing writers;
- `inputs`: discovery and readers (article files, JSONL, standard input), streamed in input order;
- `outputs`: atomic files, shards, standard output, the rejects file.
"""

from newscli.io.compression import COMPRESSED_SUFFIXES, open_decompressed, sniff_compression
from newscli.io.errors import Reject, Skipped, UsageError
from newscli.io.inputs import (DIRECTORY_SUFFIXES, JSONL_SUFFIXES, MAX_ARTICLE_BYTES, STDIN, STDIN_NAME, InputInfo,
                               RawLine, expand_inputs, is_input_name, parse_line, peek_stdin_is_jsonl, read_inputs,
                               read_one, read_text_lines)
from newscli.io.outputs import AtomicFile, Output, RejectWriter, check_output_path, same_file, shard_name

__all__ = [
    "COMPRESSED_SUFFIXES", "DIRECTORY_SUFFIXES", "JSONL_SUFFIXES", "MAX_ARTICLE_BYTES", "STDIN", "STDIN_NAME",
    "AtomicFile", "InputInfo", "Output", "RawLine", "Reject", "RejectWriter", "Skipped", "UsageError", "check_output_path",
    "expand_inputs", "is_input_name", "open_decompressed", "parse_line", "peek_stdin_is_jsonl", "read_inputs",
    "read_one", "read_text_lines", "same_file", "shard_name", "sniff_compression",
]
