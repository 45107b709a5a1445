#pragma once

#include <QtCore/QByteArray>

#include <vector>

/** One tensor storage a TorchScript pickle refers to: persistent id ("storage", type, key, location, numel). */
struct PickledStorage
{
    QByteArray key;      ///< record name under data/ (or constants/)
    QByteArray type;     ///< e.g. "FloatStorage"
    qint64 bytes = 0;    ///< numel x element size: what torch will read from the record
};

/**
 * The storages named in a pickle as TorchScript writes it (data.pkl, constants.pkl), found by
 * walking its opcodes with a minimal stack; nothing is executed or allocated from the data.
 * A pickle using opcodes this walker does not know gives the storages found up to there.
 * Torch-free; any thread.
 */
std::vector<PickledStorage> pickledStorages(const char *data, qint64 size);
