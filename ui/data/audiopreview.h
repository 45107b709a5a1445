#pragma once

#include "core/data/dataset.h"
#include "core/data/melspectrogram.h"

#include <QtCore/QThreadPool>
#include <QtWidgets/QWidget>
#include <memory>
#include <vector>

class AudioPlayerBar;
class QLabel;
class SpectrogramPlot;
class WaveformPlot;

/**
 * One sample's audio: play button, waveform and log-mel spectrogram. The file is decoded
 * on a private thread pool (the spectrogram comes from the decoded Dataset when it has one,
 * else is computed from the decoded clip there too). GUI thread.
 */
class AudioPreview final : public QWidget
{
    Q_OBJECT
public:
    explicit AudioPreview(QWidget *parent = nullptr);
    ~AudioPreview() override;

    /**
     * Shows `record`'s clip. `dataset` (may be null) gives decoded presence and the cached
     * mel for row `index`; `same` keeps a waveform already drawn for this sample.
     */
    void showAudio(const QString &root, const SampleRecord &record, const Dataset *dataset, int index, bool same);
    void clear();

private:
    struct Decoded
    {
        std::vector<float> samples;
        int sampleRate = 16000;
        std::vector<float> mel;
        int frames = 0;
        MelConfig config;
        QString error;
    };

    void onDecoded(int serial, const std::shared_ptr<Decoded> &result);
    void showCaption();

    QLabel *m_caption;
    AudioPlayerBar *m_player;
    WaveformPlot *m_waveform;
    SpectrogramPlot *m_spectrogram;
    QThreadPool m_pool;
    int m_serial = 0; // bumps per clip: late answers for an older one are dropped
    QString m_file;
};
