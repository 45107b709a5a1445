#include "ui/data/audiopreview.h"

#include "core/data/audiodecoder.h"
#include "ui/plot/spectrogramplot.h"
#include "ui/plot/waveformplot.h"
#include "ui/widgets/audioplayerbar.h"
#include "ui/widgets/notelabel.h"

#include <QtCore/QDir>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

namespace {

constexpr double kMaxPreviewSeconds = 60.0;

double hopSeconds(const MelConfig &config)
{
    return double(config.hopLength) / config.sampleRate;
}

} // namespace

AudioPreview::AudioPreview(QWidget *parent) : QWidget(parent)
{
    m_pool.setMaxThreadCount(1);
    auto *title = new QLabel(tr("Audio"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    m_caption = new NoteLabel(this);
    m_caption->setObjectName(QStringLiteral("audioCaption"));
    m_caption->setWordWrap(false);
    m_player = new AudioPlayerBar(this);
    m_waveform = new WaveformPlot(this);
    m_waveform->setObjectName(QStringLiteral("waveformPlot"));
    m_spectrogram = new SpectrogramPlot(this);
    m_spectrogram->setObjectName(QStringLiteral("spectrogramPlot"));
    connect(m_player, &AudioPlayerBar::positionChanged, m_waveform, &WaveformPlot::setPlayhead);

    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addWidget(m_caption, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_player);
    layout->addWidget(m_waveform, 2);
    layout->addWidget(m_spectrogram, 3);
    clear();
}

AudioPreview::~AudioPreview()
{
    ++m_serial;
    m_pool.clear();
    m_pool.waitForDone();
}

void AudioPreview::clear()
{
    ++m_serial;
    m_file.clear();
    m_caption->clear();
    m_player->setSource({});
    m_waveform->clearAudio({});
    m_spectrogram->clearMel({});
}

void AudioPreview::showCaption()
{
    m_caption->setText(m_waveform->pointCount() > 0
                           ? tr("%1 · %2 s").arg(m_file).arg(m_waveform->duration(), 0, 'f', 2)
                           : m_file);
}

void AudioPreview::showAudio(const QString &root, const SampleRecord &record, const Dataset *dataset, int index,
                             bool same)
{
    if (!same)
        ++m_serial;
    const bool present = record.hasAudio() && (!dataset || dataset->presence(index)[std::size_t(Modality::Audio)]);
    m_player->setSource(present ? record.audioPath : QString());
    if (!record.hasAudio()) {
        m_file.clear();
        m_caption->clear();
        m_waveform->clearAudio(tr("No audio"));
        m_spectrogram->clearMel(tr("No audio"));
        return;
    }
    m_file = QDir(root).relativeFilePath(record.audioPath);

    const MelConfig config = dataset ? dataset->preprocess().mel : MelConfig{};
    int frames = 0;
    const float *mel = dataset && present ? dataset->mel(index, &frames) : nullptr;
    if (mel)
        m_spectrogram->setMel(mel, config.melBins, frames, hopSeconds(config));

    // Same sample with its waveform drawn: only the spectrogram could gain from the dataset.
    if (same && m_waveform->pointCount() > 0) {
        showCaption();
        return;
    }
    m_waveform->clearAudio(tr("Decoding…"));
    if (!mel)
        m_spectrogram->clearMel(tr("Decoding…"));
    showCaption();

    const int serial = m_serial;
    const QString path = record.audioPath;
    const bool needMel = !mel;
    m_pool.start([this, serial, path, config, needMel] {
        auto result = std::make_shared<Decoded>();
        DecodedAudio audio = decodeAudio(path, config.sampleRate, kMaxPreviewSeconds);
        result->error = audio.error;
        result->sampleRate = audio.sampleRate;
        result->config = config;
        if (audio.ok() && needMel && !audio.samples.empty())
            result->mel = MelSpectrogram(config).compute(audio.samples.data(), audio.samples.size(), &result->frames);
        result->samples = std::move(audio.samples);
        QMetaObject::invokeMethod(this, [this, serial, result] { onDecoded(serial, result); }, Qt::QueuedConnection);
    });
}

void AudioPreview::onDecoded(int serial, const std::shared_ptr<Decoded> &result)
{
    if (serial != m_serial)
        return;
    if (!result->error.isEmpty()) {
        m_waveform->clearAudio(tr("Cannot decode: %1").arg(result->error));
        m_spectrogram->clearMel(tr("No spectrogram"));
        return;
    }
    m_waveform->setAudio(result->samples, result->sampleRate);
    showCaption();
    if (!result->mel.empty())
        m_spectrogram->setMel(result->mel.data(), result->config.melBins, result->frames, hopSeconds(result->config));
}
