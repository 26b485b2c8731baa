// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A tiny tmpfs for tests that need a full disk (root only).

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>

#include <sys/mount.h>
#include <unistd.h>

namespace taglane::tests {

/// A small tmpfs of its own, unmounted at the end; empty when that is not possible.
class TinyDisk
{
public:
    explicit TinyDisk(const QString &dir, int kib)
    {
        if (geteuid() != 0)
            return;
        QDir().mkpath(dir);
        const QByteArray options = "size=" + QByteArray::number(kib) + "k";
        if (::mount("tmpfs", dir.toLocal8Bit().constData(), "tmpfs", 0, options.constData()) == 0)
            m_dir = dir;
    }
    ~TinyDisk()
    {
        if (!m_dir.isEmpty())
            ::umount2(m_dir.toLocal8Bit().constData(), MNT_DETACH);
    }
    QString dir() const { return m_dir; }
    /// Fills the disk up to `leaveKib` KiB free with 4 KiB files.
    void fill(int leaveKib)
    {
        const QByteArray block(4096, 'x');
        for (int i = 0;; ++i) {
            QFile f(m_dir + QStringLiteral("/filler-%1").arg(i));
            if (!f.open(QIODevice::WriteOnly) || f.write(block) != block.size() || !f.flush()) {
                f.close();
                f.remove();
                break;
            }
        }
        for (int i = 0; i < leaveKib / 4; ++i)
            QFile::remove(m_dir + QStringLiteral("/filler-%1").arg(i));
    }
    void empty()
    {
        for (const QString &f : QDir(m_dir).entryList({QStringLiteral("filler-*")}, QDir::Files))
            QFile::remove(m_dir + QLatin1Char('/') + f);
    }

private:
    QString m_dir;
};

} // namespace taglane::tests
