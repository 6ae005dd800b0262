// Twilio's Node.js SDK, unchanged but for where its HTTP client connects, against a sipmap server: creates, lists
// and fetches an IPv6 record and an IPv4 one, maps the IPv6 one, and tries two bad creates. Prints one JSON object
// on stdout for TwilioNodeSdkCompatibilityTest to assert on; any unexpected failure exits non-zero.
//
// usage: node ip-records.js <base URL> <account SID> <auth token>
"use strict";

const twilio = require("twilio");
const RequestClient = require("twilio/lib/base/RequestClient");

const SIP_DOMAIN = "SD" + "7".repeat(32);
const [base, accountSid, authToken] = process.argv.slice(2);
if (!base || !accountSid || !authToken) {
  console.error("usage: node ip-records.js <base URL> <account SID> <auth token>");
  process.exit(2);
}

// The SDK builds https://voice.twilio.com/v1/... itself (and follows next_page_url as the server gives it); this
// client sends every request to the same path and query on the sipmap server instead, as the Java test does.
const target = new URL(base);
const inner = new RequestClient({ timeout: 10000 });
const requests = [];
const httpClient = {
  request(opts) {
    const url = new URL(opts.uri);
    url.protocol = target.protocol;
    url.host = target.host;
    requests.push(opts.method.toUpperCase() + " " + url.pathname);
    return inner.request({ ...opts, uri: url.href });
  },
};

const client = twilio(accountSid, authToken, { httpClient });
const ipRecords = client.voice.v1.ipRecords;

function record(r) {
  return {
    sid: r.sid,
    accountSid: r.accountSid,
    friendlyName: r.friendlyName,
    ipAddress: r.ipAddress,
    cidrPrefixLength: r.cidrPrefixLength,
    dateCreated: r.dateCreated instanceof Date ? r.dateCreated.toISOString() : null,
  };
}

async function refused(params) {
  try {
    await ipRecords.create(params);
    return { params, status: null, code: null };
  } catch (e) {
    return { params, status: e.status, code: e.code, message: e.message };
  }
}

async function main() {
  const v6 = await ipRecords.create({ ipAddress: "2001:DB8:0:0::A", cidrPrefixLength: 64, friendlyName: "v6 trunk" });
  const v4 = await ipRecords.create({ ipAddress: "192.0.2.10", cidrPrefixLength: 24, friendlyName: "v4 office" });
  const host = await ipRecords.create({ ipAddress: "2001:db8::1:0:0:7" });
  const fetched = await Promise.all([v6, v4, host].map((r) => ipRecords(r.sid).fetch()));
  const listed = await ipRecords.list({ pageSize: 2 });
  const mapping = await client.voice.v1.sourceIpMappings.create({ ipRecordSid: v6.sid, sipDomainSid: SIP_DOMAIN });
  const errors = [
    await refused({ ipAddress: "2001:db8::1", cidrPrefixLength: 129 }),
    await refused({ ipAddress: "fe80::1%eth0" }),
  ];
  console.log(JSON.stringify({
    created: [v6, v4, host].map(record),
    fetched: fetched.map(record),
    listed: listed.map(record),
    mapping: { sid: mapping.sid, ipRecordSid: mapping.ipRecordSid, sipDomainSid: mapping.sipDomainSid },
    errors,
    requests,
  }));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
