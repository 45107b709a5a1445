// Cold import (decode + preprocess every file into a fresh feature cache) and warm reopen
// of a dataset, as samples per second. Prints one JSON object; bench/data_import.sh compares
// it with the Python peer.

#include "core/data/dataset.h"
#include "core/util/threads.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_data_import DATASET [CACHE_DIR]\n"
                             "  CACHE_DIR: keep the feature cache there (default: a fresh temporary folder,\n"
                             "  so the first load is cold; an existing one makes both loads warm)\n");
        return 2;
    }
    configureComputeThreads();
    QTemporaryDir cache;
    DatasetOptions options;
    options.cacheDir = argc > 2 ? QString::fromLocal8Bit(argv[2]) : cache.path();

    QElapsedTimer clock;
    clock.start();
    const auto cold = Dataset::load(QString::fromLocal8Bit(argv[1]), options);
    const double coldSeconds = clock.nsecsElapsed() / 1e9;
    if (!cold || cold->size() == 0) {
        std::fprintf(stderr, "no sample loaded from %s\n", argv[1]);
        return 1;
    }
    clock.restart();
    const auto warm = Dataset::load(QString::fromLocal8Bit(argv[1]), options);
    const double warmSeconds = clock.nsecsElapsed() / 1e9;

    const QJsonObject result{{QStringLiteral("samples"), cold->size()},
                             {QStringLiteral("decoded_files"), cold->cacheStats().decoded},
                             {QStringLiteral("cold_seconds"), coldSeconds},
                             {QStringLiteral("cold_samples_per_second"), cold->size() / coldSeconds},
                             {QStringLiteral("warm_seconds"), warmSeconds},
                             {QStringLiteral("warm_reused_files"), warm->cacheStats().reused},
                             {QStringLiteral("threads"), availableCores()}};
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return 0;
}
