// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>

namespace taglane::app {

/// Prints "COMMAND: message" and a pointer to --help on stderr; returns the
/// usage exit status, 2.
inline int usageError(const QString &command, const QString &message)
{
    QTextStream err(stderr);
    err << command << ": " << message << "\n"
        << QCoreApplication::translate("cli", "Run '%1 --help' for the options.\n").arg(command);
    return 2;
}

/// Parses a command's arguments (without the program and command words).
/// Returns an exit status when the command is already over: 0 after
/// printing --help, 2 after a usage error; nothing when it should go on.
inline std::optional<int> parseCommandLine(QCommandLineParser &parser, const QString &command, const QStringList &args)
{
    if (!parser.parse(QStringList{command} + args))
        return usageError(command, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }
    return std::nullopt;
}

/// The allowed range of a numeric option: [min, max], with either end open
/// when asked (e.g. a learning rate above 0).
template <typename T>
struct NumberRange
{
    T min;
    T max;
    bool minOpen = false;
    bool maxOpen = false;
};

/// Reads a numeric option (its value, or its default when not given) into
/// value. Integer types take whole numbers only; floating-point types take
/// finite numbers only (no nan or inf); both must lie in range. On a bad
/// value prints "COMMAND: --NAME needs ..., not "TEXT"." and returns the
/// usage exit status 2; returns nothing when the value is good.
template <typename T>
std::optional<int> readNumber(const QCommandLineParser &parser, const QCommandLineOption &option, NumberRange<T> range,
                              T &value, const QString &command)
{
    static_assert(std::is_arithmetic_v<T>, "numeric options only");
    const QString name = QStringLiteral("--") + option.names().constFirst();
    const QString text = parser.value(option).trimmed();
    auto number = [](T v) {
        if constexpr (std::is_floating_point_v<T>)
            return QString::number(double(v), 'g', 10);
        else
            return QString::number(v);
    };
    QString bounds;
    if (range.minOpen && range.maxOpen)
        bounds = QCoreApplication::translate("cli", "above %1 and below %2").arg(number(range.min), number(range.max));
    else if (range.minOpen)
        bounds = QCoreApplication::translate("cli", "above %1 and at most %2").arg(number(range.min), number(range.max));
    else if (range.maxOpen)
        bounds = QCoreApplication::translate("cli", "from %1 up to (not including) %2").arg(number(range.min), number(range.max));
    else
        bounds = QCoreApplication::translate("cli", "from %1 to %2").arg(number(range.min), number(range.max));
    const QString kind = std::is_floating_point_v<T> ? QCoreApplication::translate("cli", "a number")
                                                     : QCoreApplication::translate("cli", "a whole number");
    auto bad = [&]() {
        return usageError(command, QCoreApplication::translate("cli", "%1 needs %2 %3, not \"%4\".").arg(name, kind, bounds, text));
    };
    bool ok = false;
    T v{};
    if constexpr (std::is_floating_point_v<T>) {
        const double d = text.toDouble(&ok);
        if (!ok || !std::isfinite(d))
            return bad();
        v = T(d);
    } else if constexpr (std::is_unsigned_v<T>) {
        // A leading '-' is refused outright, whatever the conversion makes of it.
        const qulonglong u = text.startsWith(QLatin1Char('-')) ? 0 : text.toULongLong(&ok);
        if (!ok || u > qulonglong(std::numeric_limits<T>::max()))
            return bad();
        v = T(u);
    } else {
        const qlonglong s = text.toLongLong(&ok);
        if (!ok || s < qlonglong(std::numeric_limits<T>::min()) || s > qlonglong(std::numeric_limits<T>::max()))
            return bad();
        v = T(s);
    }
    const bool belowMin = range.minOpen ? !(v > range.min) : !(v >= range.min);
    const bool aboveMax = range.maxOpen ? !(v < range.max) : !(v <= range.max);
    if (belowMin || aboveMax)
        return bad();
    value = v;
    return std::nullopt;
}

} // namespace taglane::app
