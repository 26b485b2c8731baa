// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: a structural check of a pickle stream before
// LibTorch's unpickler runs on it. LibTorch 1.13 trusts lengths, memo
// indexes and stack depths from the file (a length of 2^35 allocates 32 GiB,
// an odd SETITEMS reads past its stack); this walk refuses such streams.
// No LibTorch here.
#pragma once

#include <QString>

namespace taglane::engine::detail {

/// Empty when every opcode of the pickle is one Python's pickle protocol
/// defines, its arguments lie inside the stream, its lengths fit what is
/// left, its memo indexes are plausible and the stack (with its marks)
/// never runs short; else what is wrong, as the end of a sentence.
/// Any thread.
QString checkPickle(const char *data, qint64 size);

} // namespace taglane::engine::detail
