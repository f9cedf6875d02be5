-- PINs a modem's SIM refused (org.hermod.modem.ModemStore), so that Hermod never sends one twice, also after a
-- restart: a SIM locks after three wrong PINs. Not the PIN: a salted SHA-256 of it, to recognise the same value.
-- Delete a modem's rows only if the SIM was changed and a refused value is right for the new one.
create table modem_refused_pin (
    modem       varchar(64)  not null,
    salt        varchar(32)  not null,
    fingerprint varchar(64)  not null,
    answer      varchar(200) not null,  -- what the SIM answered, e.g. +CME ERROR: 16 (incorrect password)
    refused_at  timestamp    not null,
    primary key (modem, fingerprint)
);
