import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { createServer as createTlsServer } from 'node:tls'
import { createWebSocketStream, WebSocketServer } from 'ws'
import type { Config, Logger } from '../core/index.js'
import { GatewayError } from './errors.js'
import { MAX_CONTROL_PACKET_BYTES } from './frame-limit.js'

/** Where the embedded broker listens, once started. */
export interface GatewayEndpoints {
  /** Plain TCP, always on: mqtt://host:port */
  mqtt: string
  /** TLS, when mqtt.tlsCertFile and mqtt.tlsKeyFile are set: mqtts://host:port */
  mqtts?: string
  /** WebSocket, when mqtt.wsPort is not -1: ws://host:port */
  ws?: string
}

export interface Listeners {
  endpoints: GatewayEndpoints
  tcpPort: number
  /** Stops accepting, drops connections that never became clients, waits for the servers. */
  close(): Promise<void>
}

type Handle = (connection: Duplex & { remoteAddress?: string }) => void
type MqttConfig = Config['mqtt']

/**
 * Opens the embedded broker's listeners: TCP, and optionally TLS and WebSocket, each
 * handing every connection (as a byte stream) to `handle`. Fails with
 * FW_ERR_GW_LISTEN_FAILED or FW_ERR_GW_TLS_INVALID, having closed what it opened.
 */
export async function openListeners(mqtt: MqttConfig, handle: Handle, logger: Logger): Promise<Listeners> {
  const opened: Array<{ server: Server | HttpServer, sockets: Set<Socket> }> = []
  const track = (server: Server | HttpServer): Set<Socket> => {
    const sockets = new Set<Socket>()
    server.on('connection', (socket: Socket) => {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
    })
    server.on('error', (err) => logger.error({ err }, 'mqtt server failed'))
    opened.push({ server, sockets })
    return sockets
  }
  const closeAll = async (): Promise<void> => {
    await Promise.all(opened.map(({ server, sockets }) => closeServer(server, sockets, logger)))
  }

  try {
    const tcp = createTcpServer((socket) => handle(socket))
    track(tcp)
    const endpoints: GatewayEndpoints = { mqtt: url('mqtt', mqtt.host, await listen(tcp, mqtt.host, mqtt.port)) }
    if (mqtt.tlsCertFile !== '' || mqtt.tlsKeyFile !== '') {
      const tls = tlsServer(mqtt, handle)
      tls.on('tlsClientError', (err, socket) => {
        logger.info({ err, remoteAddress: socket.remoteAddress }, 'tls handshake failed')
      })
      track(tls)
      endpoints.mqtts = url('mqtts', mqtt.host, await listen(tls, mqtt.host, mqtt.tlsPort))
    }
    if (mqtt.wsPort !== -1) endpoints.ws = url('ws', mqtt.host, await listenWebSocket(mqtt, handle, track))
    return { endpoints, tcpPort: Number(new URL(endpoints.mqtt).port), close: closeAll }
  } catch (err: unknown) {
    await closeAll()
    throw err
  }
}

/*
 * The ws library reads a whole WebSocket message before handing it on, so on this listener
 * the frame filter bounds memory only within `maxPayload`: a WebSocket message larger than
 * the MQTT limit plus the largest control packet closes the connection (close code 1009).
 */
async function listenWebSocket(
  mqtt: MqttConfig,
  handle: Handle,
  track: (server: HttpServer) => Set<Socket>,
): Promise<number> {
  const server = createHttpServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n')
  })
  track(server)
  const wss = new WebSocketServer({ server, maxPayload: mqtt.maxMessageBytes + MAX_CONTROL_PACKET_BYTES })
  wss.on('connection', (socket, request) => {
    const stream = createWebSocketStream(socket)
    Object.defineProperty(stream, 'remoteAddress', { value: request.socket.remoteAddress })
    handle(stream)
  })
  server.once('close', () => wss.close())
  return listen(server, mqtt.host, mqtt.wsPort)
}

/** Reading the files and parsing the PEM both fail the same way: the operator must fix the files. */
function tlsServer(mqtt: MqttConfig, handle: Handle): ReturnType<typeof createTlsServer> {
  try {
    const options = { cert: readFileSync(mqtt.tlsCertFile), key: readFileSync(mqtt.tlsKeyFile) }
    return createTlsServer(options, (socket) => handle(socket))
  } catch (err: unknown) {
    const files = { certFile: mqtt.tlsCertFile, keyFile: mqtt.tlsKeyFile }
    throw new GatewayError('FW_ERR_GW_TLS_INVALID',
      'the TLS certificate or key could not be read or used (mqtt.tlsCertFile, mqtt.tlsKeyFile)', { cause: err, details: files })
  }
}

function listen(server: Server | HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => {
      reject(new GatewayError('FW_ERR_GW_LISTEN_FAILED', `MQTT could not listen on ${host}:${port} (mqtt.host, mqtt.*Port)`, {
        cause: err, details: { host, port },
      }))
    }
    server.once('error', fail)
    server.listen(port, host, () => {
      server.removeListener('error', fail)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function closeServer(server: Server | HttpServer, sockets: Set<Socket>, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve()
      return
    }
    server.close((err) => {
      if (err !== undefined) logger.warn({ err }, 'mqtt server close failed')
      resolve()
    })
    // Connections that never sent CONNECT are not aedes clients yet; close() would wait for them.
    for (const socket of sockets) socket.destroy()
  })
}

function url(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`
}
