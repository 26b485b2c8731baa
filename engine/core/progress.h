// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <functional>

namespace taglane::engine {

/// Shared by long operations: a progress callback (fraction in [0, 1]) and a
/// cancellation flag checked between blocks of work. Both are optional.
/// The callback is invoked on the thread doing the work.
struct ProgressSink
{
    std::function<void(double fraction)> report;
    const std::atomic_bool *cancel = nullptr;

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
    void operator()(double fraction) const { if (report) report(fraction); }
};

} // namespace taglane::engine
