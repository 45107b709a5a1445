#pragma once

#include <QtCore/QString>
#include <QtCore/QTemporaryDir>
#include <cstddef>
#include <cstdint>

/**
 * A per-process scratch folder (on /dev/shm when it exists, so rewriting a file per input
 * costs no disk I/O) for harnesses whose code under test only reads paths: the image and
 * audio decoders, the manifest reader, the checkpoint reader. Holds a tiny fake dataset
 * (images/a.png, audio/a.wav, text/a.txt) so manifest rows can name files that exist.
 */
class ScratchFolder
{
public:
    static ScratchFolder &instance();

    QString root() const { return m_dir.path(); }
    /** Writes the input as root()/name (replacing the previous one) and returns its path. */
    QString write(const QString &name, const std::uint8_t *data, std::size_t size);

private:
    ScratchFolder();

    QTemporaryDir m_dir;
};
