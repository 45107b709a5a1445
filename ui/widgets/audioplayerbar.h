#pragma once

#include <QtWidgets/QWidget>

class QLabel;
class QToolButton;
class QMediaPlayer;
class QAudioOutput;

/**
 * Play/stop for the selected sample's audio file through Qt Multimedia when the build has
 * it; otherwise a disabled button and a note saying playback needs Qt Multimedia. The
 * player is created on first use. GUI thread.
 */
class AudioPlayerBar final : public QWidget
{
    Q_OBJECT
public:
    explicit AudioPlayerBar(QWidget *parent = nullptr);
    ~AudioPlayerBar() override;

    /** True when this build plays audio. */
    static bool playbackAvailable();

    /** The file to play; empty disables the button. Stops what is playing. */
    void setSource(const QString &path);
    void stop();

Q_SIGNALS:
    /** Playback position in seconds; negative when stopped. */
    void positionChanged(double seconds);

private:
    void togglePlayback();
    void showState(bool playing);

    QToolButton *m_button;
    QLabel *m_note;
    QString m_path;
    QMediaPlayer *m_player = nullptr;
    QAudioOutput *m_output = nullptr;
};
