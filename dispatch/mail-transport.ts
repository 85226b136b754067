import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer, { type SendMailOptions } from 'nodemailer'
import type { Config } from '../core/index.js'
import type { OutgoingMail } from './notice-store.js'

/** Hands one rendered notice to the mail system. Resolves once it has been accepted. */
export interface MailSender {
  send(noticeId: string, mail: OutgoingMail): Promise<{ messageId: string, file?: string }>
  close(): void
}

/**
 * SMTP when config.smtp.url is set; otherwise each email is written as an .eml file under
 * <data.dir>/mail, so the default setup delivers "mail" without any server installed.
 */
export function createMailSender(config: Config): MailSender {
  return config.smtp.url === '' ? fileSender(config) : smtpSender(config)
}

function envelopeOf(config: Config, noticeId: string, mail: OutgoingMail): SendMailOptions {
  return {
    from: config.smtp.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    // A stable Message-ID lets the receiving side drop the copy a crash between the server's
    // acceptance and our "sent" commit would cause.
    messageId: `<${noticeId}@forewarn>`,
    // nodemailer adds it as a text/calendar alternative (what calendar clients act on) and as
    // an invite.ics attachment (what everyone else can open).
    icalEvent: mail.ics === null
      ? undefined
      : { method: mail.ics.method, filename: 'invite.ics', content: mail.ics.content },
  }
}

function smtpSender(config: Config): MailSender {
  const transport = nodemailer.createTransport(config.smtp.url)
  return {
    async send(noticeId, mail) {
      const info = await transport.sendMail(envelopeOf(config, noticeId, mail))
      return { messageId: info.messageId }
    },
    close() {
      transport.close()
    },
  }
}

function fileSender(config: Config): MailSender {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true })
  const dir = join(config.data.dir, 'mail')
  return {
    async send(noticeId, mail) {
      const info = await transport.sendMail(envelopeOf(config, noticeId, mail))
      // Named by notice id, so a retried notice overwrites its file instead of adding a copy.
      const file = join(dir, `${noticeId}.eml`)
      await mkdir(dir, { recursive: true })
      await writeFile(file, info.message)
      return { messageId: info.messageId, file }
    },
    close() {
      transport.close()
    },
  }
}
