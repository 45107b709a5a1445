#include "ui/widgets/audioplayerbar.h"

#include "ui/widgets/notelabel.h"

#include <QtCore/QUrl>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QStyle>
#include <QtWidgets/QToolButton>

#ifdef FUSIONSCOPE_HAVE_MULTIMEDIA
#include <QtMultimedia/QAudioOutput>
#include <QtMultimedia/QMediaPlayer>
#endif

AudioPlayerBar::AudioPlayerBar(QWidget *parent) : QWidget(parent)
{
    m_button = new QToolButton(this);
    m_button->setObjectName(QStringLiteral("playButton"));
    m_button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_note = new NoteLabel(this);
    m_note->setObjectName(QStringLiteral("playbackNote"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_button);
    layout->addWidget(m_note, 1);
    connect(m_button, &QToolButton::clicked, this, &AudioPlayerBar::togglePlayback);
    showState(false);
    if (!playbackAvailable())
        m_note->setText(tr("Playback needs Qt Multimedia, which this build does not include."));
    setSource({});
}

AudioPlayerBar::~AudioPlayerBar() = default;

bool AudioPlayerBar::playbackAvailable()
{
#ifdef FUSIONSCOPE_HAVE_MULTIMEDIA
    return true;
#else
    return false;
#endif
}

void AudioPlayerBar::setSource(const QString &path)
{
    stop();
    m_path = path;
    m_button->setEnabled(playbackAvailable() && !path.isEmpty());
    if (playbackAvailable())
        m_note->clear();
}

void AudioPlayerBar::stop()
{
#ifdef FUSIONSCOPE_HAVE_MULTIMEDIA
    if (m_player)
        m_player->stop();
#endif
    showState(false);
}

void AudioPlayerBar::showState(bool playing)
{
    m_button->setText(playing ? tr("Stop") : tr("Play"));
    m_button->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaStop : QStyle::SP_MediaPlay, nullptr, this));
    if (!playing)
        Q_EMIT positionChanged(-1.0);
}

void AudioPlayerBar::togglePlayback()
{
#ifdef FUSIONSCOPE_HAVE_MULTIMEDIA
    if (!m_player) {
        m_player = new QMediaPlayer(this);
        m_output = new QAudioOutput(this);
        m_player->setAudioOutput(m_output);
        connect(m_player, &QMediaPlayer::playbackStateChanged, this,
                [this](QMediaPlayer::PlaybackState state) { showState(state == QMediaPlayer::PlayingState); });
        connect(m_player, &QMediaPlayer::positionChanged, this, [this](qint64 ms) {
            if (m_player->playbackState() == QMediaPlayer::PlayingState)
                Q_EMIT positionChanged(double(ms) / 1000.0);
        });
        connect(m_player, &QMediaPlayer::errorOccurred, this, [this](QMediaPlayer::Error, const QString &message) {
            m_note->setText(tr("Cannot play: %1").arg(message));
            showState(false);
        });
    }
    if (m_player->playbackState() == QMediaPlayer::PlayingState) {
        m_player->stop();
        return;
    }
    m_note->clear();
    const QUrl url = QUrl::fromLocalFile(m_path);
    if (m_player->source() != url)
        m_player->setSource(url);
    m_player->play();
#endif
}
